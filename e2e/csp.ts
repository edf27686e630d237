import { test as base, type Page } from '@playwright/test';

// Everything of Playwright's, with the guarded test below: a spec guards its pages by importing from './csp'.
export * from '@playwright/test';

/**
 * Collects the page's Content Security Policy violations from now on: each
 * securitypolicyviolation event, and every console message about the
 * policy (Chromium's 'Refused to…' errors, and its warnings about a
 * directive it ignores). Playwright's own evaluate() is not subject to the
 * policy, so the listener goes in before the page's scripts run.
 */
export async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'an inline resource'} at ${e.sourceFile || e.documentURI}:${e.lineNumber} ${e.sample}`);
    });
  });
  page.on('console', (message) => {
    if (/Content Security Policy|CSP violation/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

/** Playwright's test, with a page that fails the test on any CSP violation. */
export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ page }, use) => {
      const violations = await watchCsp(page);
      await use();
      if (violations.length > 0) throw new Error(`Content Security Policy violations:\n${violations.join('\n')}`);
    },
    { auto: true },
  ],
});

/** A policy as directive name → its sources, sorted. */
export function directives(policy: string): Record<string, string[]> {
  const entries = policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .filter((parts) => parts[0])
    .map(([name, ...sources]) => [name!.toLowerCase(), sources.sort()] as const);
  return Object.fromEntries(entries);
}
