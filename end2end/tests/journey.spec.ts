import {
  test,
  expect,
  hydrated,
  markDocument,
  documentIsTheSame,
  signUp,
  logIn,
  createAccount,
  linkFromMail,
  uniqueEmail,
  PASSWORD,
} from "./fixtures";

test("a visitor signs up, confirms the address, logs in and out without a page reload", async ({ page }) => {
  const email = uniqueEmail("journey");
  await page.goto("/");
  await hydrated(page);
  await markDocument(page);

  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/signup$/);
  await signUp(page, email);
  await expect(page).toHaveURL(/\/check-email$/);
  await expect(page.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
  expect(await documentIsTheSame(page), "client-side navigation only").toBe(true);

  // The link from the outbox, opened as from a mail client.
  await page.goto(await linkFromMail(email, "verify_email"));
  await expect(page).toHaveURL(/\/login\?notice=email_verified$/);
  await expect(page.getByText("Your email address is confirmed.")).toBeVisible();
  await hydrated(page);
  await markDocument(page);
  await logIn(page, email);

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await expect(page.getByTestId("nav-email")).toHaveText(email);
  expect(await documentIsTheSame(page), "client-side navigation only").toBe(true);

  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "gatehouse");
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login\?notice=logged_out$/);
  await expect(page.getByText("You have been logged out.")).toBeVisible();

  await logIn(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("user-email")).toHaveText(email);
  await expect(page.getByTestId("previous-sign-in")).not.toHaveText("This is your first sign-in.");
  expect(await documentIsTheSame(page), "still the first document").toBe(true);

  // A full reload renders the dashboard on the server.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("user-email")).toHaveText(email);
});

test("forms show a pending state while the server works", async ({ page }) => {
  await page.goto("/signup");
  await hydrated(page);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/signup", async (route) => {
    await held;
    await route.continue();
  });
  await signUp(page, uniqueEmail("pending"));
  const button = page.getByRole("button", { name: "Creating account…" });
  await expect(button).toBeDisabled();
  release();
  await expect(page).toHaveURL(/\/check-email$/);
});

test("a wrong password shows the error in place", async ({ page }) => {
  const email = uniqueEmail("wrong");
  await createAccount(page, email);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await markDocument(page);

  await logIn(page, email, "not my password at all");
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password.");
  await expect(page).toHaveURL(/\/login/);
  await logIn(page, "nobody-" + email, PASSWORD);
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password.");
  expect(await documentIsTheSame(page)).toBe(true);
});

test("signup validates as the user types, with the server's messages", async ({ page }) => {
  let signupRequests = 0;
  page.on("request", (request) => {
    if (request.url().includes("/api/signup")) signupRequests += 1;
  });
  await page.goto("/signup");
  await hydrated(page);

  const email = page.getByLabel("Email");
  await email.fill("not-an-email");
  await email.blur();
  await expect(page.getByText("Enter a valid email address, like name@example.com.")).toBeVisible();
  await email.fill(uniqueEmail("live"));
  await expect(page.getByText("Enter a valid email address")).toHaveCount(0);

  const password = page.getByLabel("Password", { exact: true });
  await password.fill("too short");
  await password.blur();
  await expect(page.getByText(/Use at least 15 characters \(this has 9\)/)).toBeVisible();
  await expect(page.getByTestId("strength")).toContainText("Too short");
  await password.fill("a much longer passphrase here");
  await expect(page.getByText(/Use at least 15 characters/)).toHaveCount(0);
  await expect(page.getByTestId("strength")).not.toContainText("Too short");

  const confirm = page.getByLabel("Confirm password");
  await confirm.fill("something different");
  await confirm.blur();
  await expect(page.getByText("The passwords don't match.")).toBeVisible();
  await confirm.fill("a much longer passphrase here");
  await expect(page.getByText("The passwords don't match.")).toHaveCount(0);

  expect(signupRequests, "all of that happened in the browser").toBe(0);

  // The breach list lives on the server; the browser asks it when the field is left.
  await password.fill("123456789012345");
  await password.blur();
  await expect(page.getByText(/appeared in a data breach/)).toBeVisible();
  expect(signupRequests, "asked without submitting").toBe(0);
});

test("client-side navigation to a protected page after the session ended goes to login", async ({ page, context }) => {
  const email = uniqueEmail("spa-guard");
  await createAccount(page, email);
  await page.getByRole("link", { name: "Gatehouse" }).click();
  await expect(page).toHaveURL(/\/$/);
  await markDocument(page);

  // The same browser logs out in another tab.
  const other = await context.newPage();
  await other.goto("/dashboard");
  await hydrated(other);
  await other.getByRole("button", { name: "Log out" }).click();
  await expect(other).toHaveURL(/\/login/);

  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);
  await expect(page.getByTestId("user-email")).toHaveCount(0);
  expect(await documentIsTheSame(page)).toBe(true);
});

test("two browsers are two independent devices", async ({ browser }) => {
  const email = uniqueEmail("devices");
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  const laptopPage = await laptop.newPage();
  await createAccount(laptopPage, email);

  const phonePage = await phone.newPage();
  await phonePage.goto("/login");
  await hydrated(phonePage);
  await logIn(phonePage, email);
  await expect(phonePage.getByTestId("user-email")).toHaveText(email);

  await laptopPage.getByRole("button", { name: "Log out" }).click();
  await expect(laptopPage).toHaveURL(/\/login/);

  await phonePage.reload();
  await expect(phonePage.getByTestId("user-email")).toHaveText(email);
  await laptop.close();
  await phone.close();
});

test("Back after logout shows no user data", async ({ page }) => {
  const email = uniqueEmail("back");
  await createAccount(page, email);
  await expect(page.getByTestId("user-email")).toHaveText(email);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goBack();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText(email)).toHaveCount(0);
});

test("an unknown address shows the 404 page", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
