// axe-core in the browser journeys. The production CSP allows scripts only with the nonce, so
// axe is defined through page.evaluate (which CSP does not govern), never a <script> tag.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export type A11yViolation = { page: string; rule: string; impact: string; help: string; targets: string[] }

/** Runs axe on the current page; returns its serious and critical violations, named by `label`. */
export async function seriousViolations(page: Page, label: string): Promise<A11yViolation[]> {
	const defined = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined')
	if (!defined) await page.evaluate(AXE_SOURCE)
	const violations = await page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe
		const result = await axe.run(document, { resultTypes: ['violations'] })
		return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }))
	})
	return violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({ page: label, rule: v.id, impact: v.impact, help: v.help, targets: v.targets }))
}

export function formatViolations(violations: A11yViolation[]) {
	return violations.map((v) => `  ${v.page}: ${v.rule} (${v.impact}: ${v.help})\n    ${v.targets.slice(0, 8).join('\n    ')}${v.targets.length > 8 ? `\n    … ${v.targets.length - 8} more` : ''}`).join('\n')
}
