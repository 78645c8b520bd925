import ExcelJS from 'exceljs'
import { createInstance } from 'i18next'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'
import i18nConfig, { resources } from '#app/i18n.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import NeedImportPage, { type ImportActionData, action, loader } from './needs.import.tsx'

const ctx = useGlobalTestDb()

const DAY = 86_400_000
const dateIn = (days: number) => formatChinaDate(chinaDayStart(Date.now()) + days * DAY)
const HEADERS = ['村代码', '需求标题', '需求说明', '类别', '计量方式', '金额（元）', '数量', '单位', '受益人数', '紧急程度', '需要日期']
let seq = 0
const uniq = (title: string) => `${title}-${Date.now().toString(36)}${seq++}`

let township: string
let otherCounty: string
let villager: string

beforeAll(async () => {
	await seedRegions(ctx.db)
	villager = (await makeAccount(ctx.db)).id
	await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: villager })
	await makeOrg(ctx.db, 'village', { regionCode: '513431100202', ownerId: villager })
	await makeOrg(ctx.db, 'village', { regionCode: '513432100201', ownerId: villager })
	township = (await makeOfficial(ctx.db, '513431100000')).accountId
	otherCounty = (await makeOfficial(ctx.db, '513432000000')).accountId
})

const row = (village: string, title: string, amount: string | number = '1000', category = '产业振兴') => [village, title, '', category, '资金（元）', amount, '', '', '', '紧急', dateIn(20)]

function csv(rows: Array<Array<string | number>>): Uint8Array {
	return new TextEncoder().encode(`\uFEFF${[HEADERS, ...rows].map((r) => r.join(',')).join('\r\n')}\r\n`)
}

async function xlsx(rows: Array<Array<string | number>>): Promise<Uint8Array> {
	const wb = new ExcelJS.Workbook()
	const ws = wb.addWorksheet('需求')
	for (const r of [HEADERS, ...rows]) ws.addRow(r)
	return new Uint8Array(await wb.xlsx.writeBuffer())
}

async function multipart(accountId: string | null, fields: Record<string, string | number>, file?: { name: string; bytes: Uint8Array }) {
	const signedIn = await requestAs(accountId, '/needs/import')
	const body = new FormData()
	for (const [key, value] of Object.entries(fields)) body.append(key, String(value))
	if (file) body.append('file', new File([new Uint8Array(file.bytes)], file.name))
	const headers = new Headers()
	const cookie = signedIn.headers.get('cookie')
	if (cookie) headers.set('cookie', cookie)
	return new Request(signedIn.url, { method: 'POST', headers, body })
}

async function preview(accountId: string, file: { name: string; bytes: Uint8Array }) {
	return runRoute<ImportActionData>(action, await multipart(accountId, { intent: 'preview' }, file))
}

async function commit(accountId: string, upload: { payload: string; filename: string; issuedAt: number; signature: string }) {
	return runRoute<ImportActionData>(action, await multipart(accountId, { intent: 'commit', ...upload }))
}

const counts = async () => [await countRows(ctx.db, 'need'), await countRows(ctx.db, 'event'), await countRows(ctx.db, 'searchOutbox')]

async function render(actionData: ImportActionData | undefined, lng: 'zh-CN' | 'en' = 'zh-CN') {
	const handler = createStaticHandler([{ id: 'page', path: '*', loader: () => ({ maxMb: 2, maxRows: 1000 }), action: () => actionData ?? null, Component: NeedImportPage }])
	const request = actionData ? new Request('http://localhost/needs/import', { method: 'POST', body: new URLSearchParams({ a: '1' }) }) : new Request('http://localhost/needs/import')
	const context = await handler.query(request)
	if (context instanceof Response) throw new Error('unexpected response')
	const router = createStaticRouter(handler.dataRoutes, context)
	const i18n = createInstance()
	await i18n.use(initReactI18next).init({ ...i18nConfig, lng, resources })
	return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

describe('/needs/import', () => {
	it('is for officials only: others get 403 on the page, the template and the upload', async () => {
		for (const who of [villager]) {
			expect((await runRoute(loader, await requestAs(who, '/needs/import'))).status).toBe(403)
			expect((await runRoute(loader, await requestAs(who, '/needs/import?template=xlsx'))).status).toBe(403)
			const before = await counts()
			const res = await runRoute(action, await multipart(who, { intent: 'preview' }, { name: 'a.csv', bytes: csv([row('513431100201', uniq('a'))]) }))
			expect(res.status).toBe(403)
			expect(await counts()).toEqual(before)
		}
		const anonymous = await runRoute(loader, await requestAs(null, '/needs/import'))
		expect(anonymous.location).toMatch(/^\/login/)
	})

	it('downloads the templates in the UI language', async () => {
		const page = await runRoute(loader, await requestAs(township, '/needs/import'))
		expect(page.data).toEqual({ maxMb: 2, maxRows: 1000 })
		const signedIn = await requestAs(township, '/needs/import?template=xlsx')
		const res = await loader({ request: signedIn, params: {}, context: {} })
		if (!(res instanceof Response)) throw new Error('expected a file')
		expect(res.headers.get('content-type')).toContain('spreadsheetml')
		expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('需求导入模板.xlsx'))
		const bytes = new Uint8Array(await res.arrayBuffer())
		expect([...bytes.slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04])
		const csvRes = await loader({ request: await requestAs(township, '/needs/import?template=csv&lng=en'), params: {}, context: {} })
		if (!(csvRes instanceof Response)) throw new Error('expected a file')
		// Response.text() would drop the BOM that tells Excel the file is UTF-8: read the bytes.
		const text = Buffer.from(await csvRes.arrayBuffer()).toString('utf8')
		expect(text.startsWith('\uFEFFVillage code,Title,Description,Category')).toBe(true)
		expect((await runRoute(loader, await requestAs(township, '/needs/import?template=pdf'))).status).toBe(404)
	})

	it('previews an .xlsx, then commits the signed file: needs published, listed with links', async () => {
		const titles = [uniq('冷库'), uniq('培训')]
		const file = { name: '三月需求.xlsx', bytes: await xlsx([row('513431100201', titles[0]), row('513431100202', titles[1], '2500.5', '人才振兴')]) }
		const before = await counts()
		const res = await preview(township, file)
		expect(res.status).toBe(200)
		const data = res.data
		if (data.stage !== 'preview' || !data.upload) throw new Error('expected a preview with an upload')
		expect(data.problems).toEqual([])
		expect(data.rows.map((r) => [r.row, r.villageName, r.title, r.category, r.target])).toEqual([
			[2, '三河村', titles[0], 'industry', 100000],
			[3, '火普村', titles[1], 'talent', 250050],
		])
		expect(await counts()).toEqual(before)
		const html = await render(data)
		expect(html).toContain('确认导入 2 条需求并发布')
		expect(html).toContain('name="signature"')

		const done = await commit(township, data.upload)
		expect(done.status).toBe(200)
		if (done.data.stage !== 'done') throw new Error('expected the result')
		expect(done.data.created.map((c) => c.title)).toEqual(titles)
		expect(await counts()).toEqual(before.map((n) => n + 2))
		const statuses = await ctx.db.selectFrom('need').select('status').where('title', 'in', titles).execute()
		expect(statuses.map((s) => s.status)).toEqual(['published', 'published'])
		const resultHtml = await render(done.data)
		expect(resultHtml).toContain(`href="/needs/${done.data.created[0].id}"`)

		// A second commit of the same preview is refused row by row: nothing is written twice.
		const again = await commit(township, data.upload)
		expect(again.status).toBe(400)
		if (again.data.stage !== 'preview') throw new Error('expected the report')
		expect(again.data.problems.map((p) => [p.row, p.field, p.message])).toEqual([
			[2, 'title', 'import.errors.duplicate_existing'],
			[3, 'title', 'import.errors.duplicate_existing'],
		])
		expect(await counts()).toEqual(before.map((n) => n + 2))
	})

	it('one bad row: a 400 report naming the row and column, no commit button, nothing written', async () => {
		const before = await counts()
		const res = await preview(township, { name: 'needs.csv', bytes: csv([row('513431100201', uniq('a')), row('513432100201', uniq('b')), row('513431100202', uniq('c'), '-5')]) })
		expect(res.status).toBe(400)
		if (res.data.stage !== 'preview') throw new Error('expected the report')
		expect(res.data.upload).toBeNull()
		expect(res.data.problems).toEqual([
			{ row: 3, field: 'villageCode', message: 'import.errors.outside_jurisdiction' },
			{ row: 4, field: 'amount', message: 'validation.amount_format' },
		])
		expect(await counts()).toEqual(before)
		const html = await render(res.data)
		expect(html).toContain('发现 2 个问题，未写入任何数据')
		expect(html).toContain('<td>3</td><td>村代码</td><td>此村不在您的辖区内。</td>')
		expect(html).toContain('<td>4</td><td>金额（元）</td>')
		expect(html).not.toContain('name="signature"')
		const en = await render(res.data, 'en')
		expect(en).toContain('<td>3</td><td>Village code</td><td>This village is outside your jurisdiction.</td>')
	})

	it('an official of another county gets the out-of-jurisdiction problem', async () => {
		const res = await preview(otherCounty, { name: 'needs.csv', bytes: csv([row('513431100201', uniq('a'))]) })
		if (res.data.stage !== 'preview') throw new Error('expected the report')
		expect(res.data.problems).toEqual([{ row: 2, field: 'villageCode', message: 'import.errors.outside_jurisdiction' }])
	})

	it('refuses a wrong file type, too many rows, no file, and a tampered or foreign commit', async () => {
		const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'))
		const wrong = await preview(township, { name: 'needs.xlsx', bytes: png })
		expect(wrong.status).toBe(400)
		expect(wrong.data).toEqual({ stage: 'error', error: 'import.errors.file_type' })
		expect(await render(wrong.data)).toContain('只支持 Excel（.xlsx）或 CSV 文件')
		const many = await preview(township, { name: 'many.csv', bytes: csv(Array.from({ length: 1001 }, (_, i) => row('513431100201', `x${i}`))) })
		expect(many.data).toEqual({ stage: 'error', error: 'import.errors.too_many_rows|{"max":1000}' })
		const none = await runRoute<ImportActionData>(action, await multipart(township, { intent: 'preview' }))
		expect(none.data).toEqual({ stage: 'error', error: 'import.errors.no_file' })
		const big = await preview(township, { name: 'big.csv', bytes: new Uint8Array(2 * 1024 * 1024 + 10).fill(0x41) })
		expect(big.status).toBe(413)

		const ok = await preview(township, { name: 'needs.csv', bytes: csv([row('513431100201', uniq('签名'))]) })
		if (ok.data.stage !== 'preview' || !ok.data.upload) throw new Error('expected a preview')
		const before = await counts()
		const upload = ok.data.upload
		const tampered = Buffer.from(Buffer.from(upload.payload, 'base64').toString('utf8').replace('1000', '9999')).toString('base64')
		for (const [who, attempt] of [
			[township, { ...upload, payload: tampered }],
			[township, { ...upload, filename: 'other.csv' }],
			[township, { ...upload, issuedAt: upload.issuedAt - 2 * 3600_000 }],
			[township, { ...upload, signature: 'f'.repeat(64) }],
			[otherCounty, upload],
		] as const) {
			const res = await commit(who, attempt)
			expect(res.data).toEqual({ stage: 'error', error: 'import.errors.stale' })
		}
		expect(await counts()).toEqual(before)
	})
})
