// Small multi-sheet workbooks (a dashboard, a report) built in memory with exceljs: the caller
// passes sheets of already-translated headers and plain rows; numbers stay numbers, with a
// number format per column. For one long list, stream it with spreadsheet.server.ts instead.
// CSV has no sheets: each sheet becomes a section (its name on a line, then its table), sections
// separated by an empty line.
import ExcelJS from 'exceljs'
import { CONTENT_TYPES, type SpreadsheetFormat, contentDisposition, csvLine, safeSheetName } from './spreadsheet.server.ts'

/** A value, or a number with its own format (a column mixing yuan and head counts). */
export type WorkbookCell = string | number | null | { value: number | null; numFmt: string }
export type WorkbookColumn = { key: string; header: string; width?: number; /** Excel number format, e.g. '#,##0.00'. */ numFmt?: string }
export type WorkbookSheet = { name: string; columns: WorkbookColumn[]; rows: Array<Record<string, WorkbookCell>> }

/** Number formats for values already converted with `unitNumber`. */
export const NUM_FMT = {
	yuan: '#,##0.00',
	count: '#,##0',
	percent: '0.0',
	days: '0.0',
} as const

/**
 * A stored figure as a spreadsheet number: fen → yuan (two decimals), per-mille → percent (one
 * decimal), others unchanged; null stays empty.
 */
export function unitNumber(unit: 'fen' | 'permille' | string, value: number | null): number | null {
	if (value === null || value === undefined) return null
	if (unit === 'fen') return Math.round(value) / 100
	if (unit === 'permille') return Math.round(value) / 10
	return value
}

export function unitNumFmt(unit: string): string {
	if (unit === 'fen') return NUM_FMT.yuan
	if (unit === 'permille') return NUM_FMT.percent
	if (unit === 'days') return NUM_FMT.days
	return NUM_FMT.count
}

// NOTE: text starting with = + - @ is run as a formula by spreadsheet programs (CSV injection);
// such text gets a leading apostrophe, as spreadsheet.server.ts does for CSV.
const FORMULA_START = /^[=+\-@\t\r]/

export async function workbookBuffer(sheets: WorkbookSheet[]): Promise<Buffer> {
	const workbook = new ExcelJS.Workbook()
	workbook.creator = 'Bangfu'
	workbook.created = new Date()
	const used = new Set<string>()
	for (const sheet of sheets) {
		let name = safeSheetName(sheet.name)
		for (let i = 2; used.has(name); i++) name = safeSheetName(`${sheet.name.slice(0, 28)} ${i}`)
		used.add(name)
		const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] })
		ws.columns = sheet.columns.map((c) => ({ key: c.key, header: c.header, width: c.width ?? Math.max(10, c.header.length * 2 + 2), style: c.numFmt ? { numFmt: c.numFmt } : {} }))
		ws.getRow(1).font = { bold: true }
		for (const row of sheet.rows) {
			const values: Record<string, string | number | null> = {}
			const formats: Record<string, string> = {}
			for (const c of sheet.columns) {
				const v = row[c.key] ?? null
				if (v !== null && typeof v === 'object') {
					values[c.key] = v.value
					formats[c.key] = v.numFmt
				} else values[c.key] = typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : v
			}
			const added = ws.addRow(values)
			for (const [key, numFmt] of Object.entries(formats)) added.getCell(key).numFmt = numFmt
		}
	}
	return Buffer.from(await workbook.xlsx.writeBuffer())
}

export function workbookCsv(sheets: WorkbookSheet[]): string {
	const parts = sheets.map((sheet) => {
		const title = csvLine([{ key: 'title', header: '' }], { title: sheet.name })
		const header = csvLine(
			sheet.columns.map((c) => ({ key: c.key, header: c.header })),
			Object.fromEntries(sheet.columns.map((c) => [c.key, c.header])),
		)
		const plain = (r: Record<string, WorkbookCell>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v !== null && typeof v === 'object' ? v.value : v]))
		return title + header + sheet.rows.map((r) => csvLine(sheet.columns, plain(r))).join('')
	})
	// A BOM so Excel opens the UTF-8 file as UTF-8.
	return `\uFEFF${parts.join('\r\n')}`
}

/** The download: an .xlsx of every sheet, or a .csv of them as sections. */
export async function workbookResponse(options: { format: SpreadsheetFormat; filename: string; sheets: WorkbookSheet[] }): Promise<Response> {
	const body = options.format === 'xlsx' ? await workbookBuffer(options.sheets) : Buffer.from(workbookCsv(options.sheets), 'utf8')
	return new Response(new Uint8Array(body), {
		headers: {
			'Content-Type': CONTENT_TYPES[options.format],
			'Content-Disposition': contentDisposition(`${options.filename}.${options.format}`),
			'Content-Length': String(body.byteLength),
			'Cache-Control': 'private, no-store',
		},
	})
}
