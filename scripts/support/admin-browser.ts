import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateTOTP } from '@oslojs/otp';
import type { Page } from 'playwright-core';

export interface AdminCredentials {
  email: string;
  password: string;
}

/**
 * Signs an admin in through the pages as a person would: password, then (first time) the
 * two-step set-up that the back office requires, then the code. Leaves the page on /admin.
 * Returns the TOTP key so a later sign-in can make codes.
 */
export async function signInAdminInBrowser(page: Page, serverUrl: string, admin: AdminCredentials, knownKey?: Uint8Array): Promise<Uint8Array> {
  await page.goto(`${serverUrl}/login?next=/admin`);
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('load');
  let key = knownKey;
  if (!key) {
    await page.goto(`${serverUrl}/account/security/mfa`);
    key = decodeBase32IgnorePadding((await page.locator('[data-totp-secret]').innerText()).replace(/\s+/g, ''));
    await page.getByLabel('Code from the app').fill(generateTOTP(key, 30, 6));
    await page.getByLabel('Code from the app').press('Enter');
    await page.locator('[data-recovery-codes]').waitFor();
  } else {
    await page.getByLabel(/code/i).first().fill(generateTOTP(key, 30, 6));
    await page.getByLabel(/code/i).first().press('Enter');
    await page.waitForLoadState('load');
  }
  await page.goto(`${serverUrl}/admin`);
  return key;
}
