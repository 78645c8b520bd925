import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { AppError } from '#app/utils/errors.ts'
import { type Actor } from '#app/models/policy.server.ts'
import { actorFor, countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { describeDb } from '#tests/setup/db.ts'
import { MAX_IMPORT_ROWS, type SheetRow, commitNeedImport, needImportTemplate, parseNeedSheet, previewNeedImport } from './need-import.server.ts'

const DAY = 86_400_000
const NOW = Date.now()
const dateIn = (days: number) => formatChinaDate(chinaDayStart(NOW) + days * DAY)

const ZH_HEADERS = ['村代码', '需求标题', '需求说明', '类别', '计量方式', '金额（元）', '数量', '单位', '受益人数', '紧急程度', '需要日期']
let seq = 0
const uniq = (title: string) => `${title}-${Date.now().toString(36)}${seq++}`

/** Data rows as arrays in ZH_HEADERS order. */
function csvOf(rows: Array<Array<string | number>>, headers = ZH_HEADERS, bom = true): Uint8Array {
	const line = (cells: Array<string | number>) => cells.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',')
	return new TextEncoder().encode(`${bom ? '\uFEFF' : ''}${[headers, ...rows].map(line).join('\r\n')}\r\n`)
}

async function xlsxOf(rows: Array<Array<string | number | Date>>, headers = ZH_HEADERS): Promise<Uint8Array> {
	const wb = new ExcelJS.Workbook()
	const ws = wb.addWorksheet('需求')
	ws.addRow(headers)
	for (const r of rows) ws.addRow(r)
	return new Uint8Array(await wb.xlsx.writeBuffer())
}

function amountRow(village: string, title: string, amount: string | number = '5000', extra: Partial<Record<'category' | 'urgency' | 'neededBy', string>> = {}) {
	return [village, title, '说明', extra.category ?? '产业振兴', '资金（元）', amount, '', '', '30', extra.urgency ?? '紧急', extra.neededBy ?? dateIn(30)]
}
function quantityRow(village: string, title: string, quantity = '20', unit = '人') {
	return [village, title, '', 'talent', 'quantity', '', quantity, unit, '', 'normal', dateIn(45)]
}

async function fileError(promise: Promise<unknown>): Promise<string> {
	try {
		await promise
	} catch (error) {
		expect(error).toBeInstanceOf(AppError)
		return (error as AppError).fields.file
	}
	throw new Error('expected a file error')
}

describe('parseNeedSheet', () => {
	it('reads a UTF-8 CSV with a BOM, Chinese headers and labels', async () => {
		const rows = await parseNeedSheet(csvOf([amountRow('513431100201', '茶叶加工设备'), ['', '', '', '', '', '', '', '', '', '', ''], quantityRow('513431100202', '技能培训')]), 'needs.csv')
		expect(rows.map((r) => r.row)).toEqual([2, 4])
		expect(rows[0].values).toMatchObject({ villageCode: '513431100201', title: '茶叶加工设备', category: '产业振兴', amount: '5000', urgency: '紧急' })
		expect(rows[1].values).toMatchObject({ quantity: '20', unit: '人' })
	})

	it('reads a CSV without a BOM, English headers, and quoted cells with commas and line breaks', async () => {
		const headers = ['Village code', 'Title', 'Description', 'Category', 'Measure', 'Amount (yuan)', 'Quantity', 'Unit', 'Beneficiaries', 'Urgency', 'Needed by']
		const rows = await parseNeedSheet(csvOf([['513431100201', 'Roads, bridges', 'line 1\nline "2"', 'infrastructure', 'amount', '1,200.50', '', '', '', 'high', dateIn(10)]], headers, false), 'x.csv')
		expect(rows[0].values).toMatchObject({ title: 'Roads, bridges', description: 'line 1\nline "2"', amount: '1,200.50' })
	})

	it('reads a GB18030 CSV as Chinese Excel saves it', async () => {
		const text = [ZH_HEADERS, amountRow('513431100201', '冷库建设')].map((r) => r.join(',')).join('\r\n')
		const rows = await parseNeedSheet(new Uint8Array(iconv.encode(text, 'gb18030')), 'gbk.csv')
		expect(rows[0].values).toMatchObject({ title: '冷库建设', category: '产业振兴' })
	})

	it('reads the first sheet of an .xlsx, numbers and dates as typed', async () => {
		const date = new Date(`${dateIn(20)}T00:00:00Z`)
		const rows = await parseNeedSheet(await xlsxOf([[513431100201, '净水设备', '', '基础设施', '资金（元）', 0.1 + 0.2, '', '', 12, '特急', date]]), 'needs.xlsx')
		expect(rows[0]).toEqual({
			row: 2,
			values: { villageCode: '513431100201', title: '净水设备', description: '', category: '基础设施', measure: '资金（元）', amount: '0.3', quantity: '', unit: '', beneficiaries: '12', urgency: '特急', neededBy: dateIn(20) },
		})
	})

	it('refuses other file types by their bytes, whatever their name', async () => {
		const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'))
		expect(await fileError(parseNeedSheet(png, 'needs.csv'))).toBe('import.errors.file_type')
		expect(await fileError(parseNeedSheet(new TextEncoder().encode('%PDF-1.7\n%âãÏÓ'), 'needs.xlsx'))).toBe('import.errors.file_type')
		expect(await fileError(parseNeedSheet(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'needs.xls'))).toBe('import.errors.xls_legacy')
		expect(await fileError(parseNeedSheet(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'needs.xlsx'))).toBe('import.errors.xlsx_unreadable')
		expect(await fileError(parseNeedSheet(Uint8Array.from([1, 2, 3, 0, 0, 9]), 'needs.csv'))).toBe('import.errors.file_type')
		expect(await fileError(parseNeedSheet(new Uint8Array(0), 'needs.csv'))).toBe('import.errors.empty_file')
		expect(await fileError(parseNeedSheet(new Uint8Array(2 * 1024 * 1024 + 1).fill(0x41), 'big.csv'))).toMatch(/^import\.errors\.too_large\|/)
	})

	it('refuses more than the row limit, in CSV and in .xlsx', async () => {
		const many = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => amountRow('513431100201', `需求${i}`))
		expect(await fileError(parseNeedSheet(csvOf(many), 'many.csv'))).toMatch(/^import\.errors\.too_many_rows\|/)
		expect(await fileError(parseNeedSheet(await xlsxOf(many), 'many.xlsx'))).toMatch(/^import\.errors\.too_many_rows\|/)
		expect(await parseNeedSheet(csvOf(many.slice(1)), 'ok.csv')).toHaveLength(MAX_IMPORT_ROWS)
	})

	it('names the missing columns and refuses a file without data rows', async () => {
		const err = await fileError(parseNeedSheet(new TextEncoder().encode('需求标题,金额（元）\r\n修路,100\r\n'), 'x.csv'))
		expect(err).toBe('import.errors.missing_columns|{"columns":"villageCode,category,urgency,neededBy"}')
		expect(await fileError(parseNeedSheet(csvOf([]), 'x.csv'))).toBe('import.errors.no_rows')
	})
})

describeDb('need import', (ctx) => {
	let township: Actor
	let county: Actor
	let otherCounty: Actor
	let villager: Actor
	let admin: Actor

	beforeAll(async () => {
		await seedRegions(ctx.db)
		const owner = await makeAccount(ctx.db)
		await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: owner.id, name: '三河村村委会' })
		await makeOrg(ctx.db, 'village', { regionCode: '513431100202', ownerId: owner.id, name: '火普村村委会' })
		await makeOrg(ctx.db, 'village', { regionCode: '513431101201', ownerId: owner.id, name: '谷曲村村委会', status: 'pending' })
		await makeOrg(ctx.db, 'village', { regionCode: '513432100201', ownerId: owner.id, name: '光明村村委会' })
		villager = await actorFor(ctx.db, owner.id)
		township = await makeOfficial(ctx.db, '513431100000') // 新城镇: 三河村, 火普村
		county = await makeOfficial(ctx.db, '513431000000') // 昭觉县
		otherCounty = await makeOfficial(ctx.db, '513432000000') // 喜德县: 光明村
		admin = await actorFor(ctx.db, (await makeAccount(ctx.db, { isNationalAdmin: true })).id)
	})

	const counts = async () => ({ need: await countRows(ctx.db, 'need'), event: await countRows(ctx.db, 'event'), outbox: await countRows(ctx.db, 'searchOutbox') })

	it('imports a valid .xlsx: each need published for its village, with an event and an outbox row', async () => {
		const titles = [uniq('茶叶加工'), uniq('技能培训'), uniq('道路硬化')]
		const file = await xlsxOf([amountRow('513431100201', titles[0]), quantityRow('513431100202', titles[1]), amountRow('513431100201', titles[2], '12345.67')])
		const rows = await parseNeedSheet(file, 'needs.xlsx')
		const before = await counts()
		const preview = await previewNeedImport(ctx.db, rows, township, NOW)
		expect(preview.problems).toEqual([])
		expect(preview.ok).toBe(true)
		expect(preview.rows.map((r) => [r.row, r.villageName, r.ok])).toEqual([
			[2, '三河村', true],
			[3, '火普村', true],
			[4, '三河村', true],
		])
		expect(await counts()).toEqual(before)

		const result = await commitNeedImport(ctx.db, rows, township, NOW)
		expect(result.ok).toBe(true)
		expect(result.created.map((c) => c.title)).toEqual(titles)
		expect(await counts()).toEqual({ need: before.need + 3, event: before.event + 3, outbox: before.outbox + 3 })
		const needs = await ctx.db.selectFrom('need').selectAll().where('id', 'in', result.created.map((c) => c.id)).orderBy('id').execute()
		expect(needs.map((n) => [n.title, n.status, n.measure, n.target, n.unit])).toEqual([
			[titles[0], 'published', 'amount', 500000, null],
			[titles[1], 'published', 'quantity', 20, '人'],
			[titles[2], 'published', 'amount', 1234567, null],
		])
		expect(needs[0]).toMatchObject({ category: 'industry', urgency: 'high', beneficiaries: 30, neededBy: chinaDayStart(NOW) + 30 * DAY, createdBy: township.accountId, reviewedBy: township.accountId, publishedAt: NOW })
		const villageOrg = await ctx.db.selectFrom('organization').select('id').where('villageCode', '=', '513431100201').executeTakeFirstOrThrow()
		expect(needs[0].villageOrgId).toBe(villageOrg.id)
		const events = await ctx.db.selectFrom('event').selectAll().where('entityId', 'in', result.created.map((c) => c.id)).execute()
		expect(events).toHaveLength(3)
		expect(events[0]).toMatchObject({ entityType: 'need', action: 'publish', fromState: null, toState: 'published', note: '官员代村批量导入', actorAccountId: township.accountId, actorOrgId: township.memberships[0].orgId })
		const outbox = await ctx.db.selectFrom('searchOutbox').select(['entityType', 'entityId']).where('entityId', 'in', result.created.map((c) => c.id)).execute()
		expect(outbox).toHaveLength(3)
	})

	it('imports a valid CSV with Chinese labels and English codes alike', async () => {
		const t1 = uniq('产销对接')
		const t2 = uniq('留守儿童关爱')
		const rows = await parseNeedSheet(
			csvOf([amountRow('513431100201', t1, '800', { category: '消费帮扶', urgency: '一般', neededBy: dateIn(5).replace(/-/g, '/') }), amountRow('513431100202', t2, '900', { category: 'social_protection', urgency: 'critical' })]),
			'needs.csv',
		)
		const before = await counts()
		const result = await commitNeedImport(ctx.db, rows, county, NOW)
		expect(result.report.problems).toEqual([])
		const needs = await ctx.db.selectFrom('need').select(['title', 'category', 'urgency', 'status', 'neededBy']).where('title', 'in', [t1, t2]).orderBy('title').execute()
		expect(needs).toEqual(
			expect.arrayContaining([
				{ title: t1, category: 'consumption', urgency: 'low', status: 'published', neededBy: chinaDayStart(NOW) + 5 * DAY },
				{ title: t2, category: 'social_protection', urgency: 'critical', status: 'published', neededBy: chinaDayStart(NOW) + 30 * DAY },
			]),
		)
		expect(await counts()).toEqual({ need: before.need + 2, event: before.event + 2, outbox: before.outbox + 2 })
	})

	it('one village outside the jurisdiction: nothing is written and the report names the row and column', async () => {
		const rows = await parseNeedSheet(csvOf([amountRow('513431100201', uniq('好行')), amountRow('513432100201', uniq('外县')), amountRow('513431100202', uniq('好行'))]), 'x.csv')
		const before = await counts()
		const result = await commitNeedImport(ctx.db, rows, township, NOW)
		expect(result.ok).toBe(false)
		expect(result.created).toEqual([])
		expect(result.report.problems).toEqual([{ row: 3, field: 'villageCode', message: 'import.errors.outside_jurisdiction' }])
		expect(result.report.rows.map((r) => r.ok)).toEqual([true, false, true])
		expect(await counts()).toEqual(before)
	})

	it('one negative amount: nothing is written and the report names the row and the amount column', async () => {
		const rows = await parseNeedSheet(await xlsxOf([amountRow('513431100201', uniq('好行')), amountRow('513431100202', uniq('负数'), -500)]), 'x.xlsx')
		const before = await counts()
		const result = await commitNeedImport(ctx.db, rows, township, NOW)
		expect(result.ok).toBe(false)
		expect(result.report.problems).toEqual([{ row: 3, field: 'amount', message: 'validation.amount_format' }])
		expect(await counts()).toEqual(before)
	})

	it('reports every schema problem of a row under its column, as the need form does', async () => {
		const rows: SheetRow[] = [
			{ row: 2, values: { villageCode: '513431100201', title: '', category: '不存在', measure: '数量', quantity: '1.5', unit: '', urgency: 'soon', neededBy: dateIn(-1) } },
			{ row: 3, values: { villageCode: '51343110020', title: 'x', category: 'health', amount: '10', urgency: 'low', neededBy: 'tomorrow', beneficiaries: '-3' } },
			{ row: 5, values: { villageCode: '513431100201', title: 'y', category: 'health', measure: 'bogus', amount: '10', urgency: 'low', neededBy: dateIn(3) } },
			{ row: 6, values: { villageCode: '513431100201', title: 'z', category: 'health', amount: '10', quantity: '3', urgency: 'low', neededBy: dateIn(3) } },
		]
		const report = await previewNeedImport(ctx.db, rows, township, NOW)
		expect(report.problems).toEqual([
			{ row: 2, field: 'title', message: 'validation.required' },
			{ row: 2, field: 'category', message: 'validation.category_invalid' },
			{ row: 2, field: 'quantity', message: 'validation.whole_number' },
			{ row: 2, field: 'unit', message: 'validation.required' },
			{ row: 2, field: 'urgency', message: 'validation.urgency_invalid' },
			{ row: 2, field: 'neededBy', message: 'validation.date_in_past' },
			{ row: 3, field: 'villageCode', message: 'import.errors.village_code_format' },
			{ row: 3, field: 'beneficiaries', message: 'validation.whole_number' },
			{ row: 3, field: 'neededBy', message: 'validation.date_format' },
			{ row: 5, field: 'measure', message: 'validation.measure_invalid' },
			{ row: 6, field: 'measure', message: 'validation.measure_invalid' },
		])
	})

	it('an official of another county gets the out-of-jurisdiction problem on every row', async () => {
		const rows = await parseNeedSheet(csvOf([amountRow('513431100201', uniq('a')), quantityRow('513431100202', uniq('b'))]), 'x.csv')
		const report = await previewNeedImport(ctx.db, rows, otherCounty, NOW)
		expect(report.ok).toBe(false)
		expect(report.problems).toEqual([
			{ row: 2, field: 'villageCode', message: 'import.errors.outside_jurisdiction' },
			{ row: 3, field: 'villageCode', message: 'import.errors.outside_jurisdiction' },
		])
	})

	it('checks the village: unknown code, no org on Bangfu, org not verified; a national admin imports anywhere', async () => {
		await ctx.db.insertInto('region').values({ code: '513431100203', name: '新村', level: 5, parentCode: '513431100000', isKeyCounty: 0 }).execute()
		const rows = await parseNeedSheet(
			csvOf([amountRow('513431100299', uniq('a')), amountRow('513431100203', uniq('b')), amountRow('513431101201', uniq('c')), amountRow('513432100201', uniq('d'))]),
			'x.csv',
		)
		const report = await previewNeedImport(ctx.db, rows, admin, NOW)
		expect(report.problems).toEqual([
			{ row: 2, field: 'villageCode', message: 'import.errors.village_not_found' },
			{ row: 3, field: 'villageCode', message: 'import.errors.village_not_on_bangfu' },
			{ row: 4, field: 'villageCode', message: 'import.errors.village_org_not_verified' },
		])
		expect(report.rows[3]).toMatchObject({ ok: true, villageName: '光明村' })
	})

	it('reports duplicates within the file and of open needs, so the same file cannot be imported twice', async () => {
		const title = uniq('重复')
		const rows = await parseNeedSheet(csvOf([amountRow('513431100201', title), amountRow('513431100202', title), amountRow('513431100201', title)]), 'x.csv')
		const first = await previewNeedImport(ctx.db, rows, township, NOW)
		expect(first.problems).toEqual([{ row: 4, field: 'title', message: 'import.errors.duplicate_row|{"row":2}' }])
		const once = await commitNeedImport(ctx.db, rows.slice(0, 2), township, NOW)
		expect(once.ok).toBe(true)
		const before = await counts()
		const again = await commitNeedImport(ctx.db, rows.slice(0, 2), township, NOW)
		expect(again.report.problems).toEqual([
			{ row: 2, field: 'title', message: 'import.errors.duplicate_existing' },
			{ row: 3, field: 'title', message: 'import.errors.duplicate_existing' },
		])
		expect(await counts()).toEqual(before)
	})

	it('refuses anyone who is not a county or township official', async () => {
		const rows = await parseNeedSheet(csvOf([amountRow('513431100201', uniq('a'))]), 'x.csv')
		await expect(previewNeedImport(ctx.db, rows, villager, NOW)).rejects.toMatchObject({ code: 'forbidden' })
		const aboveOfficials = [await makeOfficial(ctx.db, '510000000000'), await makeOfficial(ctx.db, '513400000000')]
		const before = await counts()
		await expect(commitNeedImport(ctx.db, rows, villager, NOW)).rejects.toMatchObject({ code: 'forbidden' })
		// Province and city officials do not review needs, so they do not import them either.
		for (const above of aboveOfficials) {
			await expect(commitNeedImport(ctx.db, rows, above, NOW)).rejects.toMatchObject({ code: 'forbidden' })
		}
		expect(await counts()).toEqual(before)
	})

	it('rolls everything back when a write fails midway', async () => {
		const rows = await parseNeedSheet(csvOf([amountRow('513431100201', uniq('a')), amountRow('513431100202', uniq('b')), amountRow('513431100201', uniq('c'))]), 'x.csv')
		let outboxInserts = 0
		const failSecondOutbox: KyselyPlugin = {
			transformQuery(args: PluginTransformQueryArgs) {
				const node = args.node as { kind: string; into?: { table: { identifier: { name: string } } } }
				if (node.kind === 'InsertQueryNode' && ['search_outbox', 'searchOutbox'].includes(node.into?.table.identifier.name ?? '') && ++outboxInserts === 2) throw new Error('disk full')
				return args.node
			},
			async transformResult(args: PluginTransformResultArgs) {
				return args.result
			},
		}
		const before = await counts()
		await expect(commitNeedImport(ctx.db.withPlugin(failSecondOutbox), rows, township, NOW)).rejects.toThrow('disk full')
		expect(outboxInserts).toBe(2)
		expect(await counts()).toEqual(before)
	})

	it('makes templates that read back: the example row is reported until removed', async () => {
		for (const [format, language] of [
			['xlsx', 'zh-CN'],
			['csv', 'zh-CN'],
			['xlsx', 'en'],
			['csv', 'en'],
		] as const) {
			const template = await needImportTemplate(format, language, NOW)
			expect(template.filename.endsWith(`.${format}`)).toBe(true)
			const rows = await parseNeedSheet(template.body, template.filename)
			expect(rows).toHaveLength(1)
			const report = await previewNeedImport(ctx.db, rows, township, NOW)
			expect(report.problems).toEqual([{ row: 2, field: 'title', message: 'import.errors.example_row' }])
			rows[0].values.title = uniq('模板')
			const fixed = await previewNeedImport(ctx.db, rows, township, NOW)
			expect(fixed.problems).toEqual([])
			expect(fixed.rows[0]).toMatchObject({ category: 'industry', measure: 'amount', target: 5_000_000, urgency: 'normal' })
		}
		const xlsx = new ExcelJS.Workbook()
		await xlsx.xlsx.load((await needImportTemplate('xlsx', 'zh-CN', NOW)).body as unknown as ArrayBuffer)
		expect(xlsx.worksheets.map((w) => w.name)).toEqual(['需求', '填写说明'])
		const help = xlsx.worksheets[1]
		expect(help.getRow(5).getCell(1).value).toBe('类别')
		expect(String(help.getRow(5).getCell(4).value)).toContain('industry = 产业振兴')
	})
})
