import { generateHOTP } from '@oslojs/otp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkA11y, launchChromium, newContext, viewports } from './support/browser.js';

const baseUrl = inject('baseUrl');
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const PASSWORD = 'violet lantern across the harbour';

function keyFromTyped(typed: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...typed.replace(/\s+/g, '')].map((char) => alphabet.indexOf(char).toString(2).padStart(5, '0')).join('');
  return new Uint8Array(bits.match(/.{8}/g)!.map((byte) => Number.parseInt(byte, 2)));
}

/** The code for this 30-second step, or `ahead` steps later (the store allows one step of clock drift). */
function codeFor(key: Uint8Array, ahead = 0): string {
  return generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000) + ahead), 6);
}

/** The newest message to an address in the dev mailbox: the outbox worker sends within a second or two, so look again until it is there. */
async function openLatestMail(page: Page, to: string): Promise<string> {
  const message = page.locator('[data-mail-message]').filter({ hasText: to }).first();
  await expect
    .poll(
      async () => {
        await page.goto(`${baseUrl}/dev/mail`);
        return message.count();
      },
      { timeout: 15_000, interval: 500 },
    )
    .toBeGreaterThan(0);
  await message.getByRole('link').click();
  return (await page.locator('[data-mail-link]').first().getAttribute('href'))!;
}

describe.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
] as const)('an account %s', (_label, javaScriptEnabled) => {
  it('registers, verifies through the dev mailbox, turns on two-step verification, signs out and back in with a code', async () => {
    const context = await newContext(browser, { viewport: viewports.phone, javaScriptEnabled });
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      const email = `journey.${javaScriptEnabled ? 'js' : 'nojs'}.${Date.now()}@example.test`;

      await page.goto(`${baseUrl}/`);
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'Create an account' }).click();
      await checkA11y(page);
      await page.getByLabel('First name').fill('Margaret');
      await page.getByLabel('Last name').fill('Hamilton');
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Password', { exact: true }).fill('password1');
      await page.getByRole('button', { name: 'Create account' }).click();
      expect(await page.locator('#field-password-error').textContent()).toMatch(/common/);
      await checkA11y(page);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Check your e-mail');

      const verifyLink = await openLatestMail(page, email);
      expect(verifyLink.startsWith(`${baseUrl}/verify-email?token=`)).toBe(true);
      await page.goto(verifyLink);
      await page.getByRole('button', { name: 'Confirm my address' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Address confirmed');

      await page.getByRole('link', { name: 'Sign in' }).first().click();
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${baseUrl}/account`);
      expect(await page.locator('[data-account-link]').textContent()).toContain('Margaret');

      await page.goto(`${baseUrl}/account/security`);
      await page.getByRole('link', { name: 'Set up two-step verification' }).click();
      await checkA11y(page);
      const key = keyFromTyped((await page.locator('[data-totp-secret]').textContent())!);
      await page.getByLabel('Code from the app').fill(codeFor(key));
      await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
      await expect.poll(() => page.locator('[data-recovery-codes] li').count()).toBe(10);
      await checkA11y(page);

      await page.goto(`${baseUrl}/account`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${baseUrl}/`);
      expect(await page.getByRole('link', { name: 'Sign in' }).count()).toBe(1);

      await page.goto(`${baseUrl}/login`);
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Two-step verification');
      await checkA11y(page);
      // The set-up code's step is spent; the next step's code is one the app will show shortly.
      await page.getByLabel('Code from your authenticator app').fill(codeFor(key, 1));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.waitForURL(`${baseUrl}/account`);
      expect(await page.locator('[data-account-link]').textContent()).toContain('Margaret');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
