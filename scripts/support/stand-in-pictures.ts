import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './chromium.js';

/**
 * The demo catalog's pictures live on remote hosts (cdn.dummyjson.com, raw.githubusercontent.com)
 * that this offline machine cannot reach. For measurements that should see the pages as a
 * shopper online would, a browser is pointed at this stand-in for every remote host: an HTTPS
 * server (a throwaway self-signed certificate, which the browser is told to accept) answering
 * every request with one product-sized WebP picture, made by Chromium itself.
 */
export interface StandInPictures {
  port: number;
  /** The picture every request gets, as sent. */
  picture: { bytes: number; width: number; height: number };
  /** Pictures sent so far: none after a page with pictures means the browser never reached the stand-in. */
  served(): number;
  /** Chromium flags that send every host but this machine's to the stand-in and accept its certificate. */
  chromiumFlags: string[];
  close(): Promise<void>;
}

/** Square, as the demo's pictures are; larger than any card or gallery shows it on a phone at Lighthouse's pixel ratio. */
const SIZE = 800;

export async function startStandInPictures(): Promise<StandInPictures> {
  const picture = await drawPicture();
  const folder = mkdtempSync(join(tmpdir(), 'hyperstore-stand-in-'));
  try {
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=stand-in pictures', '-keyout', join(folder, 'key.pem'), '-out', join(folder, 'cert.pem')], { stdio: 'pipe' });
    if (made.status !== 0) throw new Error(`openssl could not make the stand-in's certificate: ${made.stderr?.toString() || made.error?.message}`);
    let served = 0;
    const server = createServer({ key: readFileSync(join(folder, 'key.pem')), cert: readFileSync(join(folder, 'cert.pem')) }, (_request, response) => {
      served++;
      response.writeHead(200, { 'content-type': 'image/webp', 'content-length': picture.byteLength, 'cache-control': 'public, max-age=86400' });
      response.end(picture);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      port,
      picture: { bytes: picture.byteLength, width: SIZE, height: SIZE },
      served: () => served,
      chromiumFlags: [`--host-resolver-rules=MAP * 127.0.0.1:${port}, EXCLUDE 127.0.0.1, EXCLUDE localhost`, '--ignore-certificate-errors'],
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * A picture with a product photo's detail and weight (a soft backdrop, a shaded object, fine
 * grain), so a page loads about the bytes it would online, not a few hundred of a flat colour.
 */
async function drawPicture(): Promise<Buffer> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    // Runs in the page (a string: this project's TypeScript has no DOM types).
    const dataUrl = await page.evaluate<string>(`(() => {
      const size = ${SIZE};
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = size;
      const context = canvas.getContext('2d');
      const backdrop = context.createLinearGradient(0, 0, 0, size);
      backdrop.addColorStop(0, '#f4f1ec');
      backdrop.addColorStop(1, '#d9d3c7');
      context.fillStyle = backdrop;
      context.fillRect(0, 0, size, size);
      const body = context.createRadialGradient(size * 0.42, size * 0.38, size * 0.05, size / 2, size / 2, size * 0.34);
      body.addColorStop(0, '#9aa7b8');
      body.addColorStop(1, '#2f3b4c');
      context.fillStyle = body;
      context.beginPath();
      context.ellipse(size / 2, size / 2, size * 0.3, size * 0.34, 0, 0, Math.PI * 2);
      context.fill();
      // Grain, from a fixed sequence so every run sends the same bytes.
      const pixels = context.getImageData(0, 0, size, size);
      let seed = 7;
      for (let i = 0; i < pixels.data.length; i += 4) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const grain = (seed % 13) - 6;
        for (let channel = 0; channel < 3; channel++) pixels.data[i + channel] = Math.max(0, Math.min(255, pixels.data[i + channel] + grain));
      }
      context.putImageData(pixels, 0, 0);
      return canvas.toDataURL('image/webp', 0.75);
    })()`);
    return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  } finally {
    await browser.close();
  }
}
