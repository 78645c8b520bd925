// The commitment journey (issue: Matching and commitments): a central unit finds a village need,
// follows a suggestion of its own offer, commits; the village accepts; the provider starts, adds a
// milestone and posts an update with a photo; the village confirms the milestone and the delivery;
// the township official verifies; both sides leave feedback; it ends on the timeline.
import type { Browser, Page } from 'playwright-core'
import { expect, login, newPage, screenshot } from './harness.ts'

export const name = 'commitment: need → suggestion → commitment → accept → update with photo → delivered → verified → feedback'

const NEED = '猴场村蔬菜大棚建设资金'
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

function dateIn(days: number) {
	return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10)
}

function formWithIntent(page: Page, intent: string) {
	return page.locator('form').filter({ has: page.locator(`input[name=intent][value="${intent}"]`) })
}

async function act(page: Page, button: string) {
	await Promise.all([page.waitForLoadState('networkidle'), page.getByRole('button', { name: new RegExp(`^${button}`) }).first().click()])
	await page.waitForLoadState('networkidle')
}

export async function run(browser: Browser, baseURL: string) {
	// 1. The central unit finds the need and commits through the suggested offer.
	const provider = await newPage(browser, 'desktop', baseURL)
	await login(provider.page, 'demo-central')
	await provider.page.goto(`/needs?q=${encodeURIComponent('大棚')}`)
	await Promise.all([provider.page.waitForURL(/\/needs\/[0-9A-Z]{26}$/), provider.page.getByRole('link', { name: NEED }).first().click()])
	const needPath = new URL(provider.page.url()).pathname
	await provider.page.getByRole('link', { name: '用此资源承诺' }).first().waitFor()
	await screenshot(provider.page, 'commitment-1-need-with-suggestions')
	await Promise.all([provider.page.waitForURL(/\/commitments\/new/), provider.page.getByRole('link', { name: '用此资源承诺' }).first().click()])
	await provider.page.getByLabel('承诺金额（元）').fill('50000')
	await provider.page.getByLabel('交付期限').fill(dateIn(30))
	await provider.page.getByLabel('给村里的留言').fill('首期资金用于大棚钢架，联系人刘主任。')
	await screenshot(provider.page, 'commitment-2-pledge-form')
	await Promise.all([provider.page.waitForURL(/\/commitments\/[0-9A-Z]{26}/), provider.page.getByRole('button', { name: '承诺帮扶' }).click()])
	const commitmentPath = new URL(provider.page.url()).pathname

	// 2. The village accepts (on a phone).
	const village = await newPage(browser, 'phone', baseURL)
	await login(village.page, 'demo-village')
	await village.page.goto(commitmentPath)
	await act(village.page, '接受')
	await screenshot(village.page, 'commitment-3-accepted-phone')

	// 3. The provider starts delivery, adds a milestone and posts an update with a photo.
	await provider.page.goto(commitmentPath)
	await act(provider.page, '开始交付')
	const milestone = formWithIntent(provider.page, 'add-milestone')
	await milestone.getByLabel('里程碑', { exact: true }).fill('大棚钢架到位')
	await milestone.getByLabel('截止日期').fill(dateIn(20))
	await milestone.getByLabel('占比（%）').fill('100')
	await Promise.all([provider.page.waitForLoadState('networkidle'), milestone.getByRole('button', { name: '添加里程碑' }).click()])
	await provider.page.getByText('大棚钢架到位').first().waitFor()
	const update = formWithIntent(provider.page, 'post-update')
	await update.locator('textarea').fill('钢架已运抵猴场村，正在安装。')
	await update.locator('select').selectOption({ index: 1 })
	await update.locator('input[type=file]').setInputFiles({ name: '钢架.png', mimeType: 'image/png', buffer: PNG })
	await Promise.all([provider.page.waitForLoadState('networkidle'), update.getByRole('button', { name: '发布进展' }).click()])
	await provider.page.getByText('钢架已运抵猴场村，正在安装。').first().waitFor()
	expect((await provider.page.locator('img[src^="/uploads/"]').count()) > 0, 'the photo evidence is shown')
	await screenshot(provider.page, 'commitment-4-update-with-photo')

	// 4. The village confirms the milestone and what arrived.
	await village.page.goto(commitmentPath)
	await screenshot(village.page, 'commitment-5a-village-to-confirm-phone')
	await act(village.page, '确认里程碑')
	await act(village.page, '确认收到')
	await screenshot(village.page, 'commitment-5-delivered-phone')

	// 5. The township official verifies.
	const official = await newPage(browser, 'desktop', baseURL)
	await login(official.page, 'demo-township')
	await official.page.goto(commitmentPath)
	await act(official.page, '核验交付')
	await official.page.getByText('已核验').first().waitFor()
	official.check()
	await official.context.close()

	// 6. Feedback from both sides closes it.
	for (const side of [village, provider]) {
		await side.page.goto(commitmentPath)
		const feedback = formWithIntent(side.page, 'feedback')
		await feedback.locator('input[type=radio][value="5"]').check()
		await feedback.locator('textarea').fill('合作顺利，感谢！')
		await Promise.all([side.page.waitForLoadState('networkidle'), feedback.getByRole('button', { name: '评价' }).click()])
		await side.page.waitForLoadState('networkidle')
	}
	await provider.page.goto(commitmentPath)
	await provider.page.getByText('已完成').first().waitFor()
	for (const step of ['作出承诺', '接受', '开始交付', '确认收到', '核验通过']) {
		expect(await provider.page.getByText(step, { exact: true }).first().isVisible(), `timeline shows ${step}`)
	}
	await screenshot(provider.page, 'commitment-6-closed-timeline')

	// The need page now counts the verified amount and names who helped.
	await provider.page.goto(needPath)
	expect(await provider.page.getByText('【演示】中央某部委').first().isVisible(), 'the need names who helped')
	await screenshot(provider.page, 'commitment-7-need-progress')
	provider.check()
	village.check()
	await provider.context.close()
	await village.context.close()
}
