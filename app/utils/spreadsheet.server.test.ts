import ExcelJS from 'exceljs'
import { describe, expect, it, vi } from 'vitest'
import { contentDisposition, csvLine, safeSheetName, spreadsheetResponse } from './spreadsheet.server.ts'

const columns = [
	{ key: 'name', header: '名称' },
	{ key: 'amount', header: '金额', width: 16 },
	{ key: 'days', header: '逾期天数' },
]

async function* rows(n: number) {
	for (let i = 0; i < n; i++) {
		// A real async source: each row after a tick, like database pages.
		await Promise.resolve()
		yield { name: `三河村 ${i}`, amount: `¥${i},000`, days: i }
	}
}

async function readXlsx(res: Response) {
	const workbook = new ExcelJS.Workbook()
	await workbook.xlsx.load(await res.arrayBuffer())
	const sheet = workbook.worksheets[0]
	const values: unknown[][] = []
	sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1)))
	return { name: sheet.name, values }
}

describe('spreadsheetResponse', () => {
	it('streams a CSV with a UTF-8 BOM, Chinese headers, quoting and CRLF lines', async () => {
		const res = spreadsheetResponse({
			format: 'csv',
			filename: '逾期承诺 2026',
			sheetName: 'x',
			columns,
			rows: [
				{ name: '甲,乙 "丙"', amount: '¥1,200', days: 3 },
				{ name: '=HYPERLINK("x")', amount: null, days: 0 },
				{ name: '多行\n文本', days: 1 } as never,
			],
		})
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
		expect(res.headers.get('content-disposition')).toBe(`attachment; filename="_ 2026.csv"; filename*=UTF-8''%E9%80%BE%E6%9C%9F%E6%89%BF%E8%AF%BA%202026.csv`)
		expect(res.headers.get('cache-control')).toContain('no-store')
		const bytes = new Uint8Array(await res.arrayBuffer())
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
		const text = new TextDecoder().decode(bytes.slice(3))
		expect(text).toBe(['名称,金额,逾期天数', '"甲,乙 ""丙""","¥1,200",3', `"'=HYPERLINK(""x"")",,0`, '"多行\n文本",,1', ''].join('\r\n'))
	})

	it('streams an xlsx exceljs can read back, from an async iterator', async () => {
		const res = spreadsheetResponse({ format: 'xlsx', filename: 'Overdue', sheetName: '逾期承诺/列表', columns, rows: rows(2500) })
		expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
		expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Overdue.xlsx"; filename*=UTF-8''Overdue.xlsx`)
		const { name, values } = await readXlsx(res)
		expect(name).toBe('逾期承诺 列表')
		expect(values).toHaveLength(2501)
		expect(values[0]).toEqual(['名称', '金额', '逾期天数'])
		expect(values[1]).toEqual(['三河村 0', '¥0,000', 0])
		expect(values[2500]).toEqual(['三河村 2499', '¥2499,000', 2499])
	})

	it('writes formula-looking text as plain text cells in xlsx', async () => {
		const res = spreadsheetResponse({ format: 'xlsx', filename: 'x', sheetName: 'x', columns, rows: [{ name: '=1+1', amount: '-5', days: null }] })
		const workbook = new ExcelJS.Workbook()
		await workbook.xlsx.load(await res.arrayBuffer())
		const cell = workbook.worksheets[0].getRow(2).getCell(1)
		expect(cell.type).toBe(ExcelJS.ValueType.String)
		expect(cell.value).toBe('=1+1')
	})

	it('fails the body, not the headers, when the source fails mid-way', async () => {
		async function* broken() {
			yield { name: 'a', amount: '1', days: 1 }
			throw new Error('database went away')
		}
		const res = spreadsheetResponse({ format: 'csv', filename: 'x', sheetName: 'x', columns, rows: broken() })
		expect(res.status).toBe(200)
		await expect(res.text()).rejects.toThrow('database went away')
	})
})

describe('a client that goes away', () => {
	for (const format of ['csv', 'xlsx'] as const) {
		it(`stops reading the source (${format})`, async () => {
			let produced = 0
			let finished = false
			async function* endless() {
				try {
					for (;;) {
						produced++
						await Promise.resolve()
						yield { name: `第 ${produced} 行 ${'很长的文本'.repeat(20)}`, amount: produced, days: produced }
					}
				} finally {
					finished = true
				}
			}
			const res = spreadsheetResponse({ format, filename: 'x', sheetName: 'x', columns, rows: endless() })
			const reader = (res.body as ReadableStream<Uint8Array>).getReader()
			expect((await reader.read()).done).toBe(false)
			await reader.cancel()
			await vi.waitFor(() => expect(finished).toBe(true))
			const stopped = produced
			await new Promise((r) => setTimeout(r, 50))
			expect(produced).toBe(stopped)
		})
	}
})

describe('helpers', () => {
	it('keeps sheet names legal and filenames safe', () => {
		expect(safeSheetName('a[b]:c*d?e/f\\g')).toBe('a b  c d e f g')
		expect(safeSheetName('x'.repeat(40))).toHaveLength(31)
		expect(contentDisposition('a"b\r\nc.csv')).toBe(`attachment; filename="a_b_c.csv"; filename*=UTF-8''a_b__c.csv`)
		expect(csvLine([{ key: 'a', header: 'A' }], { a: '+1' })).toBe("'+1\r\n")
	})
})
