// The foundation smoke journey: the demo official logs in and opens a village page, on a phone
// and on a desktop, in Chinese; the English switch works; screenshots are kept.
import type { Browser } from 'playwright-core'
import { expect, login, newPage, screenshot } from './harness.ts'

const VILLAGE = '520425102201' // 猴场村, 紫云县 (a national key county)

export const name = 'smoke: official opens a village page'

export async function run(browser: Browser, baseURL: string) {
	const res = await fetch(baseURL)
	const csp = res.headers.get('content-security-policy') ?? ''
	expect(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/.test(csp), `CSP with a script nonce (got "${csp}")`)
	expect(csp.includes("frame-ancestors 'none'"), 'CSP forbids framing')
	expect(res.headers.get('x-content-type-options') === 'nosniff', 'nosniff header')
	expect(!!res.headers.get('referrer-policy'), 'Referrer-Policy header')
	// Every response carries the security headers: static files, downloads and the API too.
	for (const path of ['/favicon.ico', '/api/v1/openapi.json', '/api/v1/regions', '/honors']) {
		const r = await fetch(`${baseURL}${path}`)
		expect(r.headers.get('x-content-type-options') === 'nosniff', `nosniff on ${path} (${r.status})`)
		expect((r.headers.get('content-security-policy') ?? '').includes("frame-ancestors 'none'"), `frame-ancestors on ${path}`)
		expect(r.headers.get('x-frame-options') === 'DENY', `X-Frame-Options on ${path}`)
	}
	// A form posted from another site, or a write that names no origin, never reaches the app.
	const forged = await fetch(`${baseURL}/login`, { method: 'POST', headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=demo-county&password=x' })
	expect(forged.status === 403, `cross-site POST refused (got ${forged.status})`)
	const anonymous = await fetch(`${baseURL}/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=demo-county&password=x' })
	expect(anonymous.status === 403, `POST without Origin refused (got ${anonymous.status})`)

	for (const viewport of ['desktop', 'phone'] as const) {
		const { page, context, check } = await newPage(browser, viewport, baseURL)
		await page.goto('/')
		expect((await page.locator('html').getAttribute('lang')) === 'zh-CN', 'home page is Chinese')
		expect(await page.getByText('帮扶 Bangfu').first().isVisible(), 'brand shown')
		await screenshot(page, `smoke-home-${viewport}`)

		await login(page, 'demo-county')
		await page.goto(`/regions/${VILLAGE}`)
		await page.getByRole('heading', { name: /猴场村/ }).first().waitFor()
		expect(await page.getByText('【演示】猴场村村民委员会').first().isVisible(), 'village org shown on the village page')
		expect(await page.getByText(/定点帮扶/).first().isVisible(), 'inherited 定点帮扶 pairing shown')
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
		expect(overflow <= 1, `no horizontal scrolling at ${viewport} width (overflow ${overflow}px)`)
		await screenshot(page, `smoke-village-${viewport}`)

		await page.getByRole('button', { name: 'English' }).click()
		await page.waitForFunction(() => document.documentElement.lang === 'en')
		expect(await page.getByRole('link', { name: 'Regions' }).first().isVisible(), 'English navigation')
		await screenshot(page, `smoke-village-${viewport}-en`)
		check()
		await context.close()
	}
}
