import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type LaunchOptions } from "@playwright/test";
import { test, expect, hydrated, logIn, createAccount, deviceSignedIn, uniqueEmail, PASSWORD } from "./fixtures";

const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const CHROME_WINDOWS =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const SAFARI_IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

async function device(browser: Browser, userAgent: string): Promise<BrowserContext> {
  return browser.newContext({ userAgent });
}

test("three devices: see them all, sign one out, then all the others", async ({ browser }) => {
  const email = uniqueEmail("devices");
  const laptop = await device(browser, FIREFOX_LINUX);
  const desktop = await device(browser, CHROME_WINDOWS);
  const phone = await device(browser, SAFARI_IPHONE);
  const laptopPage = await laptop.newPage();
  await createAccount(laptopPage, email);
  const desktopPage = await deviceSignedIn(desktop, email);
  const phonePage = await deviceSignedIn(phone, email);

  await laptopPage.getByRole("link", { name: "Settings" }).click();
  await laptopPage.getByRole("link", { name: "Your devices" }).click();
  await expect(laptopPage).toHaveURL(/\/settings\/sessions$/);
  const rows = laptopPage.getByTestId("session");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText("Safari on iOS");
  await expect(rows.nth(1)).toContainText("Chrome on Windows");
  await expect(rows.nth(2)).toContainText("Firefox on Linux");
  await expect(rows.nth(2)).toContainText("This device");
  await expect(rows.nth(2).getByRole("button", { name: "Sign out" })).toHaveCount(0);

  // Sign the phone out, in place.
  await rows.nth(0).getByRole("button", { name: "Sign out" }).click();
  await expect(laptopPage.getByText("That device has been signed out.")).toBeVisible();
  await expect(rows).toHaveCount(2);
  await phonePage.reload();
  await expect(phonePage).toHaveURL(/\/login\?next=%2Fdashboard$/);
  await expect(phonePage.getByText("You were signed out from another device.")).toBeVisible();
  await expect(desktopPage.getByTestId("user-email")).toHaveText(email);

  // Then everything but the laptop.
  await laptopPage.getByRole("button", { name: "Sign out of all other devices" }).click();
  await expect(laptopPage.getByText("All your other devices have been signed out.")).toBeVisible();
  await expect(rows).toHaveCount(1);
  await expect(laptopPage.getByRole("button", { name: "Sign out of all other devices" })).toHaveCount(0);
  await desktopPage.reload();
  await expect(desktopPage).toHaveURL(/\/login\?next=%2Fdashboard$/);
  await expect(desktopPage.getByText("You were signed out from another device.")).toBeVisible();

  await laptopPage.reload();
  await expect(rows).toHaveCount(1);
  for (const context of [laptop, desktop, phone]) await context.close();
});

test("confirming the password asks again after a wrong one and then goes on", async ({ page }) => {
  await createAccount(page, uniqueEmail("confirm"));
  await page.goto("/confirm-password?next=%2Fsettings%2Fsessions");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Confirm your password" })).toBeVisible();
  await page.getByLabel("Password").fill("not my password at all");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/settings\/sessions$/);
  await expect(page.getByTestId("session")).toHaveCount(1);
});

/**
 * A browser with a profile on disk, started like the configured one. Closing
 * it and starting it again on the same folder is a browser restart.
 */
async function persistentBrowser(profile: string, launch: LaunchOptions | undefined, baseURL: string) {
  return chromium.launchPersistentContext(profile, {
    executablePath: launch?.executablePath,
    args: launch?.args,
    baseURL,
  });
}

for (const remember of [true, false]) {
  const what = remember ? "remember me survives" : "without remember me, the session ends with";
  test(`${what} closing and reopening the browser`, async ({}, testInfo) => {
    const email = uniqueEmail(remember ? "remember" : "forget");
    const launch = testInfo.project.use.launchOptions;
    const baseURL = testInfo.project.use.baseURL ?? "http://127.0.0.1:3000";
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-profile-"));
    try {
      let context = await persistentBrowser(profile, launch, baseURL);
      const setup = context.pages()[0] ?? (await context.newPage());
      await createAccount(setup, email);
      await setup.getByRole("button", { name: "Log out" }).click();
      await expect(setup).toHaveURL(/\/login\?notice=logged_out$/);
      await hydrated(setup);
      if (remember) await setup.getByLabel("Remember me").check();
      await logIn(setup, email);
      await expect(setup).toHaveURL(/\/dashboard$/);
      await context.close();

      context = await persistentBrowser(profile, launch, baseURL);
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto("/dashboard");
      if (remember) {
        await expect(page).toHaveURL(/\/dashboard$/);
        await expect(page.getByTestId("user-email")).toHaveText(email);
      } else {
        await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);
      }
      await context.close();
    } finally {
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
}
