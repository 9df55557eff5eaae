# syntax=docker/dockerfile:1
# Build: compile TypeScript and the stylesheet with every dependency installed.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tailwind.config.ts ./
COPY scripts ./scripts
COPY src ./src
COPY views ./views
COPY migrations ./migrations
COPY public ./public
RUN npm run build

# Production dependencies only, installed apart so no build tool reaches the final image.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/public ./public
# Data files read at run time beside the compiled code (the common-passwords list).
COPY --from=build /app/src/accounts/data ./src/accounts/data
COPY package.json ./
COPY seed ./seed
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node as PID 1 receives SIGTERM directly and shuts down gracefully.
CMD ["node", "--enable-source-maps", "dist/src/server.js"]
