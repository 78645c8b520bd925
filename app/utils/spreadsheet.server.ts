// Streamed spreadsheet downloads (.xlsx and .csv) from rows an async iterator yields, so an export
// of a large list never sits in memory: the model pages through the database, this writes each
// row out as it comes. Headers and sheet names are whatever the caller passes (already translated).
//
//   return spreadsheetResponse({ format: 'csv', filename: '逾期承诺', sheetName: '逾期承诺',
//     columns: [{ key: 'provider', header: '帮扶主体', width: 30 }], rows: iterateRows() })
import { PassThrough, Readable } from 'node:stream'
import ExcelJS from 'exceljs'

export const SPREADSHEET_FORMATS = ['xlsx', 'csv'] as const
export type SpreadsheetFormat = (typeof SPREADSHEET_FORMATS)[number]

export type SpreadsheetCell = string | number | null
export type SpreadsheetRow = Record<string, SpreadsheetCell>
export type SpreadsheetColumn = { key: string; header: string; width?: number }

export type SpreadsheetOptions = {
	format: SpreadsheetFormat
	/** Without extension; any characters (sent as RFC 5987 UTF-8 plus an ASCII fallback). */
	filename: string
	sheetName: string
	columns: SpreadsheetColumn[]
	rows: AsyncIterable<SpreadsheetRow> | Iterable<SpreadsheetRow>
}

export const CONTENT_TYPES: Record<SpreadsheetFormat, string> = {
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	csv: 'text/csv; charset=utf-8',
}

export function isSpreadsheetFormat(value: unknown): value is SpreadsheetFormat {
	return (SPREADSHEET_FORMATS as readonly unknown[]).includes(value)
}

/** RFC 5987 value: percent-encoded UTF-8, including the characters encodeURIComponent leaves alone. */
function encodeRfc5987(name: string): string {
	return encodeURIComponent(name).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** `attachment; filename="ascii"; filename*=UTF-8''…`: old clients take the ASCII name, others the real one. */
export function contentDisposition(filename: string): string {
	const clean = filename.replace(/[\r\n"\\/]/g, '_')
	const ascii = clean.replace(/[^\x20-\x7e]/g, '_').replace(/_+/g, '_') || 'export'
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(clean)}`
}

/** Excel forbids []:*?/\ in sheet names and cuts them at 31 characters. */
export function safeSheetName(name: string): string {
	return name.replace(/[[\]:*?/\\]/g, ' ').trim().slice(0, 31) || 'Sheet1'
}

// NOTE: a CSV cell starting with = + - @ (or a tab / CR) is run as a formula by spreadsheet
// programs (CSV injection); such cells get a leading apostrophe, which Excel shows as plain text.
const FORMULA_START = /^[=+\-@\t\r]/

function textCell(value: string): string {
	return FORMULA_START.test(value) ? `'${value}` : value
}

function csvField(value: SpreadsheetCell): string {
	if (value === null || value === undefined) return ''
	const text = typeof value === 'number' ? String(value) : textCell(value)
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One CSV line (RFC 4180, CRLF), cells in column order. */
export function csvLine(columns: SpreadsheetColumn[], row: SpreadsheetRow): string {
	return `${columns.map((c) => csvField(row[c.key] ?? null)).join(',')}\r\n`
}

const BOM = '\uFEFF'
// Lines are gathered into chunks of about this many characters before being handed on.
const CSV_CHUNK = 64 * 1024

function csvStream(options: SpreadsheetOptions): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder()
	let iterator: AsyncIterator<SpreadsheetRow> | Iterator<SpreadsheetRow> | undefined
	let headerSent = false
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				let text = ''
				if (!headerSent) {
					headerSent = true
					// The BOM tells Excel the file is UTF-8 (otherwise Chinese opens as mojibake).
					text = BOM + options.columns.map((c) => csvField(c.header)).join(',') + '\r\n'
				}
				iterator ??= Symbol.asyncIterator in options.rows ? options.rows[Symbol.asyncIterator]() : (options.rows as Iterable<SpreadsheetRow>)[Symbol.iterator]()
				while (text.length < CSV_CHUNK) {
					const next = await iterator.next()
					if (next.done) {
						if (text) controller.enqueue(encoder.encode(text))
						controller.close()
						return
					}
					text += csvLine(options.columns, next.value)
				}
				controller.enqueue(encoder.encode(text))
			} catch (error) {
				controller.error(error)
			}
		},
		async cancel() {
			await iterator?.return?.()
		},
	})
}

const XLSX_ROWS_PER_TURN = 200

function drainedOrClosed(stream: PassThrough): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			stream.off('drain', done)
			stream.off('close', done)
			resolve()
		}
		stream.on('drain', done)
		stream.on('close', done)
	})
}

function xlsxStream(options: SpreadsheetOptions): ReadableStream<Uint8Array> {
	const pass = new PassThrough()
	const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: pass, useStyles: true, useSharedStrings: false })
	const sheet = workbook.addWorksheet(safeSheetName(options.sheetName), { views: [{ state: 'frozen', ySplit: 1 }] })
	sheet.columns = options.columns.map((c) => ({ key: c.key, header: c.header, width: c.width ?? Math.max(10, Math.min(50, c.header.length * 2 + 4)) }))
	sheet.getRow(1).font = { bold: true }
	let cancelled = false
	const write = async () => {
		let sinceTurn = 0
		for await (const row of options.rows) {
			if (cancelled) return
			// Cells are typed strings and numbers in xlsx, never formulas: no apostrophe needed.
			const values: Record<string, SpreadsheetCell> = {}
			for (const c of options.columns) values[c.key] = row[c.key] ?? null
			sheet.addRow(values).commit()
			// NOTE: rows may all arrive through promise jobs alone (better-sqlite3 answers
			// synchronously), which would starve the zip and zlib of the turns they need to emit
			// output: without a macrotask turn now and then the whole file would build up in memory.
			if (++sinceTurn >= XLSX_ROWS_PER_TURN) {
				sinceTurn = 0
				await new Promise((resolve) => setImmediate(resolve))
			}
			// Let a slow client slow the database paging down instead of buffering the file. A client
			// that goes away closes `pass` instead: stop waiting then too.
			if (pass.writableNeedDrain) await drainedOrClosed(pass)
		}
		sheet.commit()
		await workbook.commit()
	}
	write().catch((error: unknown) => pass.destroy(error instanceof Error ? error : new Error(String(error))))
	const web = Readable.toWeb(pass) as ReadableStream<Uint8Array>
	// Cancelling the web stream (client gone) destroys `pass`; stop feeding rows then.
	pass.on('close', () => {
		cancelled = true
	})
	return web
}

/**
 * A download Response: `format` xlsx (exceljs streaming writer, bold frozen header row) or CSV
 * (UTF-8 with BOM, CRLF), named `filename` + extension. Rows are read from `rows` while the body
 * is sent; cells are the row's values for the columns' keys, in column order (missing → empty).
 */
export function spreadsheetResponse(options: SpreadsheetOptions): Response {
	const body = options.format === 'csv' ? csvStream(options) : xlsxStream(options)
	return new Response(body, {
		status: 200,
		headers: {
			'Content-Type': CONTENT_TYPES[options.format],
			'Content-Disposition': contentDisposition(`${options.filename}.${options.format}`),
			'X-Content-Type-Options': 'nosniff',
			// Lists of named organizations: never kept in a shared cache.
			'Cache-Control': 'private, no-store',
		},
	})
}
