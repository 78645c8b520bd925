// The marketplace journey (issue: Marketplace): a village cadre posts a need in Chinese on a
// phone, the township official publishes it, and a central unit finds it by searching needs in
// its 定点帮扶 county. Screenshots at each step.
import type { Browser } from 'playwright-core'
import { expect, login, newPage, screenshot } from './harness.ts'

export const name = 'marketplace: village posts a need, township publishes, central unit finds it'

const TITLE = '猴场村茶叶加工设备采购资金'

function dateIn(days: number) {
	return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10)
}

export async function run(browser: Browser, baseURL: string) {
	// 1. The village cadre, on a phone.
	const village = await newPage(browser, 'phone', baseURL)
	await login(village.page, 'demo-village')
	await village.page.goto('/needs/new')
	const form = village.page.locator('form[method="post"]').filter({ has: village.page.getByLabel('标题', { exact: true }) })
	await form.getByLabel('标题', { exact: true }).fill(TITLE)
	await form.getByLabel('详细说明').fill('村茶叶合作社需要一套杀青揉捻设备，带动 30 户茶农增收。')
	await form.getByLabel('帮扶领域').selectOption('industry')
	await form.getByRole('radio', { name: '资金（元）' }).check()
	await form.getByLabel('所需资金（元）').fill('80000')
	await form.getByLabel('受益人数').fill('30')
	await form.getByRole('radio', { name: '紧急', exact: true }).check()
	await form.getByLabel('需要日期').fill(dateIn(60))
	await screenshot(village.page, 'marketplace-1-village-form-phone')
	await Promise.all([village.page.waitForURL(/\/needs\/[0-9A-Z]{26}/), form.getByRole('button', { name: '保存并提交审核' }).click()])
	const needUrl = new URL(village.page.url()).pathname
	await village.page.getByRole('heading', { name: TITLE }).waitFor()
	expect(await village.page.getByText('待审核').first().isVisible(), 'the need awaits review')
	await screenshot(village.page, 'marketplace-2-need-submitted-phone')
	village.check()
	await village.context.close()

	// 2. The township official publishes it from the review queue.
	const township = await newPage(browser, 'desktop', baseURL)
	await login(township.page, 'demo-township')
	await township.page.goto('/review/needs')
	await township.page.getByRole('link', { name: TITLE }).first().waitFor()
	await screenshot(township.page, 'marketplace-3-review-queue')
	await township.page.goto(needUrl)
	await Promise.all([
		township.page.waitForLoadState('networkidle'),
		township.page.getByRole('button', { name: '审核通过并发布' }).first().click(),
	])
	await township.page.getByText('已发布').first().waitFor()
	await screenshot(township.page, 'marketplace-4-published')
	township.check()
	await township.context.close()

	// 3. The central unit searches needs in its 定点帮扶 county (紫云县); indexing is asynchronous.
	const central = await newPage(browser, 'desktop', baseURL)
	await login(central.page, 'demo-central')
	let found = false
	for (let i = 0; i < 20 && !found; i++) {
		await central.page.goto(`/needs?q=${encodeURIComponent('茶叶')}&mine=1`)
		found = await central.page.getByRole('link', { name: TITLE }).first().isVisible()
		if (!found) await central.page.waitForTimeout(500)
	}
	expect(found, 'the central unit finds the need by 茶叶 within its pairings')
	await screenshot(central.page, 'marketplace-5-central-unit-my-pairings')
	// Typed into the search form, then narrowed to the county (紫云县) as region filter.
	await central.page.goto('/needs')
	await central.page.locator('#f-q').fill('茶叶')
	await Promise.all([central.page.waitForURL(/q=/), central.page.locator('#f-q').press('Enter')])
	expect(await central.page.getByRole('link', { name: TITLE }).first().isVisible(), 'search form finds the need')
	await central.page.goto(`/needs?q=${encodeURIComponent('茶叶')}&region=520425000000`)
	expect(await central.page.getByRole('link', { name: TITLE }).first().isVisible(), 'county-filtered search finds the need')
	const other = await central.page.goto(`/needs?q=${encodeURIComponent('茶叶')}&region=520424000000`)
	expect(other?.ok(), 'another county filters fine')
	expect(!(await central.page.getByRole('link', { name: TITLE }).first().isVisible()), 'another county does not show the need')
	await central.page.goto(`/needs?q=${encodeURIComponent('茶叶')}&region=520425000000`)
	await screenshot(central.page, 'marketplace-5-central-unit-search')
	central.check()
	await central.context.close()
}
