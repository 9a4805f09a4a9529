import { test, expect, uniqueEmail, PASSWORD } from "./fixtures";

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
