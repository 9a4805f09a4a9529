import { test, expect, uniqueEmail, linkFromMail, PASSWORD } from "./fixtures";

test.use({ javaScriptEnabled: false });

async function fillSignup(page: import("@playwright/test").Page, email: string, password: string, confirm = password) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(confirm);
  await page.getByRole("button", { name: "Create account" }).click();
}

async function fillLogin(page: import("@playwright/test").Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

test("the whole journey works with JavaScript disabled", async ({ page }) => {
  const email = uniqueEmail("nojs");

  const guarded = await page.goto("/dashboard");
  expect(guarded?.request().redirectedFrom()?.url()).toMatch(/\/dashboard$/);
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);

  await page.goto("/signup");
  await fillSignup(page, "nope", "short", "other");
  await expect(page.getByText("Enter a valid email address, like name@example.com.")).toBeVisible();
  await expect(page.getByText(/Use at least 15 characters/)).toBeVisible();
  await expect(page.getByText("The passwords don't match.")).toBeVisible();

  await fillSignup(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/check-email$/);
  await page.goto(await linkFromMail(email, "verify_email"));
  await expect(page.getByText("Your email address is confirmed.")).toBeVisible();
  await fillLogin(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login\?notice=logged_out$/);
  await expect(page.getByText("You have been logged out.")).toBeVisible();

  await fillLogin(page, email, "not the right password");
  await expect(page.getByText("Invalid email or password.")).toBeVisible();

  await page.goto("/login?next=%2Fdashboard");
  await fillLogin(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("user-email")).toHaveText(email);

  // Back after logout: the page is refetched (no-store) and redirects.
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goBack();
  await expect(page.getByText(email)).toHaveCount(0);
});

test("forgot password and settings work with JavaScript disabled", async ({ page }) => {
  const email = uniqueEmail("nojs-settings");
  await page.goto("/signup");
  await fillSignup(page, email, PASSWORD);
  await page.goto(await linkFromMail(email, "verify_email"));
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText(/a link to reset its password is on its way/)).toBeVisible();
  await page.goto(await linkFromMail(email, "reset_password"));
  await expect(page).toHaveURL(/\/reset-password$/);
  await page.getByLabel("New password", { exact: true }).fill("short");
  await page.getByLabel("Confirm new password").fill("short");
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByText(/Use at least 15 characters/)).toBeVisible();
  const fresh = "another long passphrase for nojs";
  await page.getByLabel("New password", { exact: true }).fill(fresh);
  await page.getByLabel("Confirm new password").fill(fresh);
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByText("Your password has been reset. Log in with your new password.")).toBeVisible();
  await fillLogin(page, email, fresh);
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.getByRole("link", { name: "Settings" }).click();
  const section = page.getByRole("region", { name: "Delete account" });
  await section.getByLabel("Current password").fill("wrong password");
  await section.getByRole("button", { name: "Delete account" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
});

test("devices, signing one out and confirming the password work with JavaScript disabled", async ({ page, browser }) => {
  const email = uniqueEmail("nojs-devices");
  await page.goto("/signup");
  await fillSignup(page, email, PASSWORD);
  await page.goto(await linkFromMail(email, "verify_email"));
  await page.goto("/login");
  await page.getByLabel("Remember me").check();
  await fillLogin(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
  const other = await browser.newContext({ javaScriptEnabled: false });
  const otherPage = await other.newPage();
  await otherPage.goto("/login");
  await fillLogin(otherPage, email, PASSWORD);
  await expect(otherPage).toHaveURL(/\/dashboard$/);

  await page.goto("/settings/sessions");
  const rows = page.getByTestId("session");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("This device");
  await expect(rows.nth(1)).toContainText("remembered");
  await rows.nth(0).getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("That device has been signed out.")).toBeVisible();
  await expect(rows).toHaveCount(1);
  await otherPage.goto("/dashboard");
  await expect(otherPage.getByText("You were signed out from another device.")).toBeVisible();

  await page.goto("/confirm-password?next=%2Fsettings");
  await page.getByLabel("Password").fill("not my password at all");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await other.close();
});
