import { test, expect, hydrated, logIn, createAccount, deviceSignedIn, linkFromMail, uniqueEmail, PASSWORD } from "./fixtures";

const NEW_PASSWORD = "a brand new passphrase today";

test("forgot password, through the mailed link, to logging in with the new password", async ({ page }) => {
  const email = uniqueEmail("forgot");
  await createAccount(page, email);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);

  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText(/a link to reset its password is on its way/)).toBeVisible();

  const link = await linkFromMail(email, "reset_password");
  await page.goto(link);
  await expect(page, "the token leaves the address bar").toHaveURL(/\/reset-password$/);
  await hydrated(page);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page).toHaveURL(/\/login\?notice=password_reset$/);
  await expect(page.getByText("Your password has been reset. Log in with your new password.")).toBeVisible();

  await logIn(page, email, PASSWORD);
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password.");
  await logIn(page, email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("changing the password in one browser signs the other out", async ({ browser }) => {
  const email = uniqueEmail("change");
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  const laptopPage = await laptop.newPage();
  await createAccount(laptopPage, email);
  const phonePage = await deviceSignedIn(phone, email);

  await laptopPage.getByRole("link", { name: "Settings" }).click();
  await expect(laptopPage).toHaveURL(/\/settings$/);
  const section = laptopPage.getByRole("region", { name: "Change password" });
  await section.getByLabel("Current password").fill(PASSWORD);
  await section.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await section.getByLabel("Confirm new password").fill(NEW_PASSWORD);
  await section.getByRole("button", { name: "Change password" }).click();
  await expect(laptopPage.getByText("Your password has been changed. Your other devices were signed out.")).toBeVisible();
  await laptopPage.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(laptopPage.getByTestId("user-email")).toHaveText(email);

  await phonePage.reload();
  await expect(phonePage).toHaveURL(/\/login\?next=%2Fdashboard$/);
  await expect(phonePage.getByText("Your password was changed, so you were signed out. Please log in again.")).toBeVisible();
  await laptop.close();
  await phone.close();
});

test("a deleted account cannot log in", async ({ page }) => {
  const email = uniqueEmail("delete");
  await createAccount(page, email);
  await page.getByRole("link", { name: "Settings" }).click();
  const section = page.getByRole("region", { name: "Delete account" });
  await section.getByLabel("Current password").fill(PASSWORD);
  await section.getByRole("button", { name: "Delete account" }).click();
  await expect(page).toHaveURL(/\/\?notice=account_deleted$/);
  await expect(page.getByText("Your account has been deleted.")).toBeVisible();

  await page.getByRole("link", { name: "Log in" }).first().click();
  await hydrated(page);
  await logIn(page, email);
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password.");
});

test("a throttled login says when to try again, and the owner sees it in their activity", async ({ page, browser }) => {
  const email = uniqueEmail("throttle");
  await createAccount(page, email);

  const attacker = await browser.newContext();
  const attackerPage = await attacker.newPage();
  await attackerPage.goto("/login");
  await hydrated(attackerPage);
  // Five failures are free; then each waits longer (1 s, 2 s, 4 s ...), so
  // quick guesses soon hit the throttle.
  let status = 0;
  for (let attempt = 0; attempt < 12 && status !== 429; attempt++) {
    const answered = attackerPage.waitForResponse("**/api/login");
    await logIn(attackerPage, email, `wrong password ${attempt}`);
    status = (await answered).status();
    expect(attempt >= 5 || status === 401, "the first five are answered").toBe(true);
  }
  expect(status).toBe(429);
  await expect(attackerPage.getByRole("alert")).toHaveText(
    /^Too many failed sign-in attempts for this account\. Please try again in \d+ seconds?\.$/,
  );
  await attacker.close();

  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Security activity" }).click();
  await expect(page).toHaveURL(/\/settings\/activity$/);
  const activity = page.getByTestId("activity");
  await expect(activity).toContainText("Sign-in attempt refused after too many failures");
  await expect(activity).toContainText("Failed sign-in attempt from");
  await expect(activity).toContainText(/Signed in from .*, 127\.0\.0\.1/);
  await expect(activity).toContainText("just now");
});
