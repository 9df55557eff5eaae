import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../context.js';

/** Placeholder while this area of the back office is being built (issue 7). */
export function adminInventoryRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>();
}
