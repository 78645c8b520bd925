// The supervision and recognition journey (issue #5): the county official reads the county's
// indicators on the dashboard and exports them to Excel (the workbook holds the page's figures),
// writes the annual work report with a typical case and prints it to PDF, then runs a county
// commendation campaign (open → nominate → review → 公示 with an objection dismissed → decide);
// an anonymous visitor finds the award on the honor roll and opens the certificate.
import fs from 'node:fs'
import path from 'node:path'
import ExcelJS from 'exceljs'
import type { Browser, Locator, Page } from 'playwright-core'
import { DAY_MS, chinaYearOf } from '#app/utils/china-date.ts'
import { createDb } from '#app/utils/db.server.ts'
import { ARTIFACTS, expect, login, newPage, screenshot } from './harness.ts'

export const name = 'recognition: dashboard → Excel export → work report PDF → commendation with 公示 → honor roll and certificate'

const COUNTY = '520425000000' // 紫云县, demo-county's jurisdiction
const ENTERPRISE = '【演示】黔山农业发展有限公司' // the org of demo-enterprise
const CASE_NEED = '坪阳村饮水管网改造资金' // the enterprise's verified ¥80,000 commitment (scripts/demo-world.ts)
const SEEDED_FUNDS = 80_000
const SEEDED_CSR = 1_500_000
const CATEGORY = '社会帮扶贡献奖'

function dateIn(days: number) {
	return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10)
}

/** "¥1,500,000" / "¥80,000.50" → 1500000 / 80000.5 */
function yuan(text: string): number {
	const n = Number(text.replace(/[¥,\s]/g, ''))
	expect(Number.isFinite(n), `a yuan figure (got "${text}")`)
	return n
}

/** The figure cell (first td) of the row headed `header` inside `scope`. */
function figure(page: Page, scope: Locator, header: string) {
	return scope
		.locator('tr')
		.filter({ has: page.getByRole('rowheader', { name: header, exact: true }) })
		.locator('td')
		.first()
}

/** Clicks and waits for the post-redirect-get of the campaign page, which shows `notice`. */
async function step(page: Page, click: Locator, notice: string) {
	await Promise.all([page.waitForURL(/[?&]notice=/), click.click()])
	await page.getByRole('status').filter({ hasText: notice }).first().waitFor()
	await page.waitForLoadState('networkidle')
}

export async function run(browser: Browser, baseURL: string) {
	const year = chinaYearOf(Date.now())
	const official = await newPage(browser, 'desktop', baseURL)
	const page = official.page
	await login(page, 'demo-county')

	// 1. The county dashboard: verified funds and CSR investment of the demo world.
	await page.goto('/dashboard')
	await page.getByRole('heading', { name: /紫云.*工作看板/ }).waitFor()
	const indicators = page.locator('section[aria-labelledby=indicators]')
	const fundsText = (await figure(page, indicators, '核验帮扶资金').innerText()).trim()
	const csrText = (await figure(page, indicators, '企业社会责任投入').innerText()).trim()
	const funds = yuan(fundsText)
	const csr = yuan(csrText)
	// The seeded ¥80,000 of the enterprise; the commitment journey, when it ran first, adds the
	// central unit's verified delivery in the same county. By provider kind, the enterprise's
	// share is exactly the seeded commitment, and the kinds add up to the total.
	const byKind = page.locator('section[aria-labelledby=by-kind]')
	const enterpriseFunds = yuan((await figure(page, byKind, '企业').innerText()).trim())
	expect(enterpriseFunds === SEEDED_FUNDS, `enterprises' verified funds are ¥80,000 (got ${enterpriseFunds})`)
	let kindsTotal = 0
	for (const cell of await byKind.locator('tbody tr td:nth-of-type(1)').all()) kindsTotal += yuan((await cell.innerText()).trim())
	expect(funds >= SEEDED_FUNDS && Math.abs(funds - kindsTotal) < 0.005, `核验帮扶资金 ${fundsText} is at least ¥80,000 and the sum by provider kind (¥${kindsTotal})`)
	expect(csr === SEEDED_CSR, `企业社会责任投入 is the verified ¥1,500,000 (got ${csrText})`)
	// The county target of ¥500,000 is shown against it.
	expect((await indicators.locator('tr').filter({ hasText: '核验帮扶资金' }).first().innerText()).includes('¥500,000'), 'the funds target is shown')
	await screenshot(page, 'recognition-1-dashboard')

	// 2. The Excel export holds the same figures.
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出 Excel' }).click()])
	expect(download.suggestedFilename().endsWith('.xlsx'), `an .xlsx download (got ${download.suggestedFilename()})`)
	const xlsx = path.join(ARTIFACTS, 'recognition-dashboard.xlsx')
	await download.saveAs(xlsx)
	const workbook = new ExcelJS.Workbook()
	await workbook.xlsx.readFile(xlsx)
	const sheet = workbook.getWorksheet('指标')
	expect(sheet, 'the workbook has the 指标 sheet')
	expect(sheet.getRow(1).getCell(1).value === '指标' && sheet.getRow(1).getCell(3).value === '实绩', 'the 指标 sheet has its headers')
	const actualOf = (label: string) => {
		let value: unknown
		sheet.eachRow((row, n) => {
			if (n > 1 && row.getCell(1).value === label) value = row.getCell(3).value
		})
		return value
	}
	expect(actualOf('核验帮扶资金') === funds, `workbook 核验帮扶资金 ${String(actualOf('核验帮扶资金'))} = page ${funds}`)
	expect(actualOf('企业社会责任投入') === csr, `workbook 企业社会责任投入 ${String(actualOf('企业社会责任投入'))} = page ${csr}`)
	const targetRow = (() => {
		let target: unknown
		sheet.eachRow((row) => {
			if (row.getCell(1).value === '核验帮扶资金') target = row.getCell(4).value
		})
		return target
	})()
	expect(targetRow === 500_000, `workbook funds target is 500000 (got ${String(targetRow)})`)

	// 3. The annual work report: problems, next steps and the verified commitment as a case.
	await page.goto(`/reports/region/${COUNTY}?year=${year}`)
	await page.getByRole('heading', { name: new RegExp(`^紫云.* ${year} 年度工作报告$`) }).waitFor()
	await page.getByLabel('存在问题').fill('部分村产业项目资金到位慢，核验周期偏长；消费帮扶渠道仍较单一。')
	await page.getByLabel('下一步工作').fill('建立核验限时办结制度；拓展企业食堂和电商平台的消费帮扶渠道。')
	const item = page.locator('li').filter({ has: page.getByRole('link', { name: CASE_NEED }) })
	await item.getByRole('checkbox', { name: '选为典型案例' }).check()
	await item.getByLabel('序号').fill('1')
	await item.getByLabel('说明').fill('企业捐资改造饮水管网，解决 60 户群众饮水不稳定问题。')
	await screenshot(page, 'recognition-2-report-form')
	await Promise.all([page.waitForURL(/notice=saved/), page.getByRole('button', { name: '保存报告' }).click()])
	await page.getByRole('status').filter({ hasText: '报告已保存。' }).waitFor()
	expect(await item.getByRole('checkbox', { name: '选为典型案例' }).isChecked(), 'the case stays picked after saving')

	await page.goto(`/reports/region/${COUNTY}/print?year=${year}`)
	for (const heading of ['一、主要指标完成情况', '二、典型案例', '三、存在问题', '四、下一步工作']) {
		expect(await page.getByRole('heading', { name: heading, exact: true }).isVisible(), `the print page shows ${heading}`)
	}
	expect(await page.getByText('企业捐资改造饮水管网，解决 60 户群众饮水不稳定问题。').isVisible(), 'the case note is printed')
	expect(await page.getByText(/建立核验限时办结制度/).isVisible(), 'the next steps are printed')
	const pdfFile = path.join(ARTIFACTS, 'recognition-work-report.pdf')
	await page.pdf({ format: 'A4', printBackground: true, path: pdfFile })
	const pdf = fs.readFileSync(pdfFile)
	expect(pdf.subarray(0, 4).toString('latin1') === '%PDF', 'the work report is a PDF')
	expect(pdf.length > 10_000, `the PDF is not trivial (${pdf.length} bytes)`)
	// Page 1 as an image: print media at A4 width (794 × 1123 CSS px at 96 dpi). A screenshot
	// does not apply @page, so its 20 mm margin is reproduced as padding for this image only.
	await page.setViewportSize({ width: 794, height: 1123 })
	await page.emulateMedia({ media: 'print' })
	await page.addStyleTag({ content: 'html { padding: 20mm; box-sizing: border-box; background: #fff; }' })
	await page.screenshot({ path: path.join(ARTIFACTS, 'recognition-3-report-page1.png'), clip: { x: 0, y: 0, width: 794, height: 1123 } })
	await page.emulateMedia({ media: 'screen' })
	await page.setViewportSize({ width: 1280, height: 900 })

	// 4. A county commendation campaign, from draft to decision.
	const title = `紫云县${year}年度社会帮扶先进表彰`
	await page.goto('/commendations/new')
	await page.getByLabel('表彰名称').fill(title)
	await page.getByLabel('年度', { exact: true }).fill(String(year))
	expect((await page.getByLabel('表彰级别').inputValue()) === 'county', 'the county official organizes a county-level campaign')
	await page.getByLabel('表彰说明').fill('表彰本年度在紫云县乡村振兴中经核验帮扶成效突出的单位。')
	await page.getByLabel('帮扶统计期开始日期').fill(`${year}-01-01`)
	await page.getByLabel('帮扶统计期结束日期').fill(`${year}-12-31`)
	await page.getByLabel('最低核验帮扶金额（元）').fill('10000')
	await page.getByLabel('最少核验帮扶项目数').fill('1')
	await page.getByLabel('推荐截止日期').fill(dateIn(20))
	await page.getByLabel(`${CATEGORY}名额`).fill('1')
	await screenshot(page, 'recognition-4-campaign-form')
	await Promise.all([page.waitForURL(/\/commendations\/[0-9A-Z]{26}\?notice=created/), page.getByRole('button', { name: '保存为草稿' }).click()])
	const campaignPath = new URL(page.url()).pathname
	await page.getByRole('heading', { name: title }).waitFor()

	await step(page, page.getByRole('button', { name: '开放推荐' }), '已开放推荐。')
	const nominateForm = page.locator('form').filter({ has: page.locator('input[name=intent][value=nominate]') })
	await nominateForm.getByLabel('奖项类别').selectOption({ label: CATEGORY })
	const option = nominateForm.getByLabel('被推荐单位').locator('option').filter({ hasText: ENTERPRISE })
	expect((await option.innerText()).includes('¥80,000'), 'the enterprise is a candidate with its verified ¥80,000')
	await nominateForm.getByLabel('被推荐单位').selectOption((await option.getAttribute('value')) as string)
	await nominateForm.getByLabel('主要事迹').fill('捐资 8 万元改造坪阳村入户饮水管网 3.2 公里，经乡镇核验通水，惠及 210 人。')
	await step(page, nominateForm.getByRole('button', { name: '提交推荐' }), '推荐已提交，资格审查通过。')
	const nomination = page.locator('li').filter({ has: page.getByText(ENTERPRISE, { exact: true }) })
	expect(await nomination.getByText('符合条件').first().isVisible(), 'the eligibility check passed')
	await screenshot(page, 'recognition-5-nominated')

	await step(page, page.getByRole('button', { name: '截止推荐并开始评审' }), '推荐已截止，进入评审。')
	await nomination.locator('summary').filter({ hasText: /^评分$/ }).click()
	await nomination.getByLabel('评分（0–100）').fill('92')
	await nomination.getByLabel('评审意见').fill('帮扶资金足额到位，群众受益面广。')
	await step(page, nomination.getByRole('button', { name: '保存评分' }), '评分已保存。')
	expect(await nomination.getByText('平均分 92（1 份评分）').first().isVisible(), 'the score is counted')

	await page.getByRole('checkbox', { name: new RegExp(ENTERPRISE) }).check()
	await step(page, page.getByRole('button', { name: '开始公示' }), '公示已开始，未入选的推荐已标注。')
	await screenshot(page, 'recognition-6-notice')

	// During the notice, another signed-in user objects (on a phone); the official dismisses it.
	const social = await newPage(browser, 'phone', baseURL)
	await login(social.page, 'demo-social')
	await social.page.goto(campaignPath)
	const theirs = social.page.locator('li').filter({ has: social.page.getByText(ENTERPRISE, { exact: true }) })
	await theirs.locator('summary').filter({ hasText: '提出异议' }).click()
	await theirs.getByLabel('异议理由').fill('请核实该企业饮水管网项目是否已全部通水。')
	await step(social.page, theirs.getByRole('button', { name: '提交异议' }), '异议已提交，组织单位将处理。')
	await screenshot(social.page, 'recognition-7-objection-phone')
	social.check()
	await social.context.close()

	await page.goto(campaignPath)
	await nomination.getByLabel('处理结论').selectOption('dismissed')
	await nomination.getByLabel('处理意见').fill('经乡镇复核，管网已于核验时全部通水，异议不成立。')
	await step(page, nomination.getByRole('button', { name: '处理异议' }), '异议已处理。')
	expect(await nomination.getByText('异议不成立').first().isVisible(), 'the objection is dismissed')
	expect(await page.getByText('公示期内，任何登录用户都可对名单提出异议。').isVisible(), 'the notice is open')

	// Time passes: the notice must last ≥ 5 days, so, as app/routes/commendations.test.ts does, the
	// window is moved into the past directly in the e2e database (the server reads the clock).
	const handle = createDb(`file:${path.join(ARTIFACTS, 'e2e.db')}`)
	try {
		const campaignId = campaignPath.split('/').pop() as string
		const moved = await handle.db
			.updateTable('campaign')
			.set({ noticeStartsAt: Date.now() - 8 * DAY_MS, noticeEndsAt: Date.now() - DAY_MS })
			.where('id', '=', campaignId)
			.where('status', '=', 'notice')
			.executeTakeFirst()
		expect(Number(moved.numUpdatedRows) === 1, 'the notice window was moved into the past')
	} finally {
		await handle.destroy()
	}
	await page.goto(campaignPath)
	await page.getByText('公示期已结束，等待组织单位作出决定。').waitFor()
	await step(page, page.getByRole('button', { name: '作出表彰决定' }), '表彰决定已作出，荣誉证书已生成。')
	const certificateLink = nomination.getByRole('link', { name: /^荣誉证书 / })
	const certificateNo = ((await certificateLink.innerText()).replace(/^荣誉证书\s*/, '') || '').trim()
	expect(new RegExp(`^${year}-${COUNTY}-\\d{3}$`).test(certificateNo), `certificate number ${certificateNo}`)
	expect(await nomination.getByText('已表彰').first().isVisible(), 'the nomination is awarded')
	await screenshot(page, 'recognition-8-decided')
	official.check()
	await official.context.close()

	// 5. An anonymous visitor: the honor roll (on a phone) and the certificate.
	const visitor = await newPage(browser, 'phone', baseURL)
	await visitor.page.goto('/honors')
	await visitor.page.getByRole('heading', { name: '光荣榜' }).waitFor()
	const row = visitor.page.getByRole('row').filter({ has: visitor.page.getByRole('link', { name: certificateNo }) })
	expect(await row.getByRole('link', { name: ENTERPRISE }).isVisible(), 'the honor roll names the enterprise')
	expect(await row.getByRole('link', { name: title }).isVisible(), 'the honor roll names the campaign')
	expect(await row.getByText(CATEGORY, { exact: true }).isVisible(), 'the honor roll names the category')
	expect(await row.getByText(/县级/).isVisible(), 'the honor roll names the level')
	await screenshot(visitor.page, 'recognition-9-honor-roll-phone')
	await visitor.page.setViewportSize({ width: 1280, height: 900 })
	await Promise.all([visitor.page.waitForURL(/\/honors\/certificates\/[0-9A-Z]{26}$/), row.getByRole('link', { name: certificateNo }).click()])
	const certificate = visitor.page.getByRole('article', { name: '荣誉证书' })
	await certificate.waitFor()
	expect(await certificate.getByText(`${ENTERPRISE}：`).isVisible(), 'the certificate names the enterprise')
	expect(await certificate.getByText(`在${title}中，被评为“${CATEGORY}”。特发此证，以资鼓励。`).isVisible(), 'the certificate names the campaign and category')
	expect(await certificate.getByText(`证书编号：${certificateNo}`).isVisible(), 'the certificate carries its number')
	await screenshot(visitor.page, 'recognition-10-certificate')
	visitor.check()
	await visitor.context.close()
}
