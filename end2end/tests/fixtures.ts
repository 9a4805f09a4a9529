import { test as base, expect, type Page, type BrowserContext } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";

export const PASSWORD = "correct horse battery staple";

/** A unique address per test, so tests can run in parallel on one server. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e9)}@example.com`;
}

/**
 * Every test fails if the page logs an error or warning to the console
 * (hydration mismatches, CSP violations, panics) or throws.
 */
export const test = base.extend<{ consoleProblems: string[] }>({
  consoleProblems: [
    async ({ context, javaScriptEnabled }, use) => {
      const problems: string[] = [];
      const watch = (page: Page) => {
        page.on("console", (message) => {
          // Chromium reports every 4xx answer this way; the tests expect those
          // (a refused login is a 401), so only other problems count.
          const expectedStatus = /Failed to load resource: the server responded with a status of 4\d\d/;
          if (expectedStatus.test(message.text())) return;
          // Without JavaScript the preloaded WebAssembly is never used, and
          // Chromium says so when a page stays open for a few seconds.
          const unusedPreload = /was preloaded using link preload but not used/;
          if (javaScriptEnabled === false && unusedPreload.test(message.text())) return;
          if (message.type() === "error" || message.type() === "warning") {
            problems.push(`${message.type()}: ${message.text()}`);
          }
        });
        page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
      };
      context.pages().forEach(watch);
      context.on("page", watch);
      await use(problems);
      expect(problems, "console errors or warnings").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the WebAssembly app has hydrated the server-rendered page. */
export async function hydrated(page: Page): Promise<void> {
  await page.locator("body[data-hydrated=true]").waitFor();
}

/** Marks the current document; the mark survives only client-side navigation. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as any).__gatehouseMark = true));
}

export async function documentIsTheSame(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as any).__gatehouseMark === true);
}

/** Where the server under test writes mail (its file transport). */
const outbox = path.join(process.env.GATEHOUSE_DATA_DIR ?? path.join(__dirname, "../../target/e2e-data"), "outbox");

function findLink(to: string, kind: string): string {
  if (!fs.existsSync(outbox)) return "";
  const files = fs.readdirSync(outbox).filter((f) => f.endsWith(`-${kind}.eml`)).sort().reverse();
  for (const file of files) {
    const raw = fs.readFileSync(path.join(outbox, file), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
    if (raw.match(/^To: (.*)$/m)?.[1]?.trim() !== to) continue;
    const link = raw.match(/https?:\/\/\S+?token=[A-Za-z0-9_-]+/)?.[0];
    if (link) {
      const url = new URL(link);
      return url.pathname + url.search;
    }
  }
  return "";
}

/** Waits for a `kind` message to `to` in the outbox and returns its link (path and query). */
export async function linkFromMail(to: string, kind: string): Promise<string> {
  let link = "";
  await expect
    .poll(() => (link = findLink(to, kind)), { message: `a ${kind} mail to ${to}`, timeout: 15_000 })
    .not.toBe("");
  return link;
}

export async function signUp(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

export async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Signs `email` up, confirms it from the outbox and logs in: on the dashboard. */
export async function createAccount(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/signup");
  await hydrated(page);
  await signUp(page, email, password);
  await expect(page).toHaveURL(/\/check-email$/);
  await page.goto(await linkFromMail(email, "verify_email"));
  await expect(page.getByText("Your email address is confirmed.")).toBeVisible();
  await hydrated(page);
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** A fresh context (another device) signed in as `email`. */
export async function deviceSignedIn(context: BrowserContext, email: string, password = PASSWORD): Promise<Page> {
  const page = await context.newPage();
  await page.goto("/login");
  await hydrated(page);
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  return page;
}
