// Bulk import of village needs by an official (乡镇、县级官员代村批量录入): read an Excel or CSV
// file, preview it with a row-level report, and commit it all-or-nothing. Every row goes through
// the need form's own schema (needSchema); the import adds only what a file brings: the village
// (which must lie in the official's jurisdiction and have a verified village org) and duplicates.
//
// Imported needs are published directly: the importer is the official who would review them. The
// need is created by the official for the village's org, with one 'publish' event (from nothing to
// published) whose note says it was imported, and a search outbox row, in one transaction.
import ExcelJS from 'exceljs'
import { type Kysely, sql } from 'kysely'
import type { DB } from '#db/schema.ts'
import enCommon from '#app/locales/en/common.json' with { type: 'json' }
import enImport from '#app/locales/en/import.json' with { type: 'json' }
import zhCommon from '#app/locales/zh-CN/common.json' with { type: 'json' }
import zhImport from '#app/locales/zh-CN/import.json' with { type: 'json' }
import { enqueueSearch } from '#app/search/outbox.server.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { AppError, msg } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { CONTENT_TYPES, type SpreadsheetFormat, csvLine } from '#app/utils/spreadsheet.server.ts'
import { lockForUpdate } from './commitment/lock-commitment.server.ts'
import { recordEvent } from './event.server.ts'
import { MEASURES, NEED_CATEGORIES, URGENCIES } from './marketplace-vocab.ts'
import { type NeedValues, needSchema } from './need.schema.ts'
import { asReviewer } from './need/authorize-need.server.ts'
import { type Actor, inJurisdiction, isOfficial, jurisdictionsOf } from './policy.server.ts'
import { covers, levelOfCode } from './region-code.ts'

export const MAX_IMPORT_BYTES = 2 * 1024 * 1024
export const MAX_IMPORT_MB = 2
export const MAX_IMPORT_ROWS = 1000
/** Unpacked size allowed for an .xlsx (a 2 MB zip of plain text unpacks to a few dozen MB at most). */
const MAX_XLSX_UNPACKED_BYTES = 64 * 1024 * 1024

/** The columns of the sheet, in template order. */
export const IMPORT_FIELDS = ['villageCode', 'title', 'description', 'category', 'measure', 'amount', 'quantity', 'unit', 'beneficiaries', 'urgency', 'neededBy'] as const
export type ImportField = (typeof IMPORT_FIELDS)[number]
const REQUIRED_COLUMNS: readonly ImportField[] = ['villageCode', 'title', 'category', 'urgency', 'neededBy']

/** One data row of the sheet: its 1-based row number in the sheet and its cells as text. */
export type SheetRow = { row: number; values: Partial<Record<ImportField, string>> }

/** A problem in one row; `field` 'row' is the row as a whole. `message` is an i18n key (see errors.ts msg). */
export type ImportProblem = { row: number; field: ImportField | 'row'; message: string }

export type ImportRowPreview = {
	row: number
	villageCode: string
	villageName: string | null
	villageOrgId: string | null
	title: string
	/** The values as they will be stored (null where the row has a problem). */
	category: string | null
	measure: string | null
	target: number | null
	unit: string | null
	beneficiaries: number | null
	urgency: string | null
	neededBy: number | null
	ok: boolean
}

export type ImportReport = { ok: boolean; rows: ImportRowPreview[]; problems: ImportProblem[] }

export type ImportedNeed = { id: string; row: number; title: string; villageCode: string; villageName: string }
export type CommitResult = { ok: true; report: ImportReport; created: ImportedNeed[] } | { ok: false; report: ImportReport; created: [] }

export const IMPORT_LANGUAGES = ['zh-CN', 'en'] as const
export type ImportLanguage = (typeof IMPORT_LANGUAGES)[number]

const LOCALES = {
	'zh-CN': { common: zhCommon.vocab, text: zhImport.import },
	en: { common: enCommon.vocab, text: enImport.import },
}

// ---------------------------------------------------------------------------------------------
// Reading the file

const fileError = (message: string) => AppError.invalid({ file: message }, 'import.errors.file')

/** Header text → comparable form: NFKC (full-width brackets → ASCII), lower case, no spaces, no `*`. */
function norm(text: string): string {
	return text.normalize('NFKC').toLowerCase().replace(/[\s*_]/g, '')
}

const withoutBrackets = (text: string) => text.replace(/\(.*?\)/g, '')

const EXTRA_HEADERS: Record<ImportField, string[]> = {
	villageCode: ['村庄代码', '行政村代码', '区划代码', '统计用区划代码', '村级区划代码', 'village'],
	title: ['标题', '需求名称', 'needtitle'],
	description: ['说明', '需求描述', '描述', 'details'],
	category: ['需求类别', '类型'],
	measure: ['计量', 'measuretype'],
	amount: ['金额', '资金', '金额(元)', 'amountyuan'],
	quantity: ['需求数量', 'qty'],
	unit: ['计量单位'],
	beneficiaries: ['受益人', '受益人口', 'beneficiarycount'],
	urgency: ['紧急度', '优先级', 'priority'],
	neededBy: ['需要时间', '截止日期', '需求日期', 'deadline', 'dueby', 'date'],
}

const HEADER_INDEX: Map<string, ImportField> = (() => {
	const index = new Map<string, ImportField>()
	for (const field of IMPORT_FIELDS) {
		const labels = [field, LOCALES['zh-CN'].text.columns[field], LOCALES.en.text.columns[field], ...EXTRA_HEADERS[field]]
		for (const label of labels) {
			index.set(norm(label), field)
			index.set(norm(withoutBrackets(label)), field)
		}
	}
	return index
})()

function fieldOfHeader(header: string): ImportField | undefined {
	const n = norm(header)
	if (!n) return undefined
	return HEADER_INDEX.get(n) ?? HEADER_INDEX.get(norm(withoutBrackets(header)))
}

/** Codes and their labels (both languages, from the locale vocab) → code. */
function vocabIndex(kind: 'category' | 'measure' | 'urgency', codes: readonly string[], extra: Record<string, string> = {}): Map<string, string> {
	const index = new Map<string, string>()
	for (const code of codes) {
		index.set(norm(code), code)
		for (const lng of IMPORT_LANGUAGES) {
			const label = (LOCALES[lng].common[kind] as Record<string, string>)[code]
			if (!label) continue
			index.set(norm(label), code)
			index.set(norm(withoutBrackets(label)), code)
			// '就业帮扶 / 劳务协作': either half alone is the category too.
			for (const part of label.split('/')) if (part.trim()) index.set(norm(part), code)
		}
	}
	for (const [label, code] of Object.entries(extra)) index.set(norm(label), code)
	return index
}

const CATEGORY_INDEX = vocabIndex('category', NEED_CATEGORIES)
const MEASURE_INDEX = vocabIndex('measure', MEASURES, { 金额: 'amount', 资金: 'amount', 钱: 'amount', funds: 'amount', money: 'amount', 数目: 'quantity', 实物: 'quantity', qty: 'quantity' })
const URGENCY_INDEX = vocabIndex('urgency', URGENCIES)

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
	return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b)
}

const ZIP = [0x50, 0x4b, 0x03, 0x04]
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
// Binary formats whose start is printable enough to pass for text.
const OTHER_BINARY = [
	[0x25, 0x50, 0x44, 0x46], // %PDF
	[0x89, 0x50, 0x4e, 0x47], // PNG
	[0xff, 0xd8, 0xff], // JPEG
	[0x47, 0x49, 0x46, 0x38], // GIF8
	[0x1f, 0x8b], // gzip
	[0x52, 0x61, 0x72, 0x21], // Rar!
	[0x37, 0x7a, 0xbc, 0xaf], // 7z
	[0x7b, 0x5c, 0x72, 0x74, 0x66], // {\rtf
]

/**
 * Reads an uploaded needs file into rows: .xlsx (the first sheet) or CSV (UTF-8 with or without a
 * BOM, else GB18030, the encoding Chinese Excel saves "CSV" in; comma- or tab-separated). The type
 * is decided by the bytes, not by `filename`. The first non-empty row holds the column names
 * (Chinese or English); fully empty rows are skipped but keep their numbers. Throws AppError
 * invalid with `fields.file` for a file that cannot be imported at all.
 */
export async function parseNeedSheet(buffer: Uint8Array, _filename = ''): Promise<SheetRow[]> {
	const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer)
	if (bytes.byteLength === 0) throw fileError('import.errors.empty_file')
	if (bytes.byteLength > MAX_IMPORT_BYTES) throw fileError(msg('import.errors.too_large', { maxMb: MAX_IMPORT_MB }))
	let table: string[][]
	if (startsWith(bytes, ZIP)) table = await readXlsx(bytes)
	else if (startsWith(bytes, OLE)) throw fileError('import.errors.xls_legacy')
	else table = parseCsv(decodeText(bytes))
	return tableToRows(table)
}

function decodeText(bytes: Uint8Array): string {
	if (OTHER_BINARY.some((s) => startsWith(bytes, s))) throw fileError('import.errors.file_type')
	let start = 0
	if (startsWith(bytes, [0xef, 0xbb, 0xbf])) start = 3
	else if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
		// UTF-16 ("Unicode text" from Excel) is tab-separated text; decode it rather than refuse.
		const text = new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes.subarray(2))
		return assertText(text)
	}
	const body = bytes.subarray(start)
	let text: string
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(body)
	} catch {
		if (start === 3) throw fileError('import.errors.text_encoding')
		try {
			text = new TextDecoder('gb18030', { fatal: true }).decode(body)
		} catch {
			throw fileError('import.errors.file_type')
		}
	}
	return assertText(text)
}

/** Text with control characters (NUL and the like) is some binary file, not a CSV. */
function assertText(text: string): string {
	if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) throw fileError('import.errors.file_type')
	return text
}

/** RFC 4180 CSV (quoted fields may hold separators, quotes and line breaks); `,` or tab by the first line. */
export function parseCsv(text: string): string[][] {
	const firstLine = text.slice(0, text.search(/\r|\n/) === -1 ? text.length : text.search(/\r|\n/))
	const sep = (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? '\t' : ','
	const rows: string[][] = []
	let row: string[] = []
	let cell = ''
	let quoted = false
	for (let i = 0; i < text.length; i++) {
		const c = text[i]
		if (quoted) {
			if (c === '"') {
				if (text[i + 1] === '"') {
					cell += '"'
					i++
				} else quoted = false
			} else cell += c
		} else if (c === '"' && cell === '') quoted = true
		else if (c === sep) {
			row.push(cell)
			cell = ''
		} else if (c === '\r' || c === '\n') {
			if (c === '\r' && text[i + 1] === '\n') i++
			row.push(cell)
			rows.push(row)
			row = []
			cell = ''
			// A cap well above the row limit keeps a huge file of empty lines from growing without end.
			if (rows.length > MAX_IMPORT_ROWS * 50) throw fileError(msg('import.errors.too_many_rows', { max: MAX_IMPORT_ROWS }))
		} else cell += c
	}
	if (cell !== '' || row.length) {
		row.push(cell)
		rows.push(row)
	}
	return rows
}

/**
 * The sum of the sizes the zip's central directory declares, or undefined when there is none.
 * NOTE: only a first guard against zip bombs (declared sizes can lie); the byte cap on the upload
 * and exceljs' own limits do the rest.
 */
function declaredUnpackedSize(bytes: Uint8Array): number | undefined {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
	for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
		if (view.getUint32(i, true) !== 0x06054b50) continue
		const entries = view.getUint16(i + 10, true)
		let offset = view.getUint32(i + 16, true)
		let total = 0
		for (let n = 0; n < entries; n++) {
			if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return undefined
			total += view.getUint32(offset + 24, true)
			offset += 46 + view.getUint16(offset + 28, true) + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true)
		}
		return total
	}
	return undefined
}

async function readXlsx(bytes: Uint8Array): Promise<string[][]> {
	const unpacked = declaredUnpackedSize(bytes)
	if (unpacked === undefined) throw fileError('import.errors.xlsx_unreadable')
	if (unpacked > MAX_XLSX_UNPACKED_BYTES) throw fileError('import.errors.xlsx_too_big')
	const workbook = new ExcelJS.Workbook()
	try {
		await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer)
	} catch {
		throw fileError('import.errors.xlsx_unreadable')
	}
	const sheet = workbook.worksheets.find(Boolean)
	if (!sheet) throw fileError('import.errors.xlsx_unreadable')
	if (sheet.actualRowCount > MAX_IMPORT_ROWS + 1) throw fileError(msg('import.errors.too_many_rows', { max: MAX_IMPORT_ROWS }))
	const table: string[][] = []
	sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
		const cells: string[] = []
		row.eachCell({ includeEmpty: true }, (cell, col) => {
			cells[col - 1] = cellText(cell.value)
		})
		// Keep the sheet's row numbers: table index = row number − 1.
		table[rowNumber - 1] = Array.from(cells, (c) => c ?? '')
	})
	return Array.from(table, (r) => r ?? [])
}

function numberText(n: number): string {
	if (!Number.isFinite(n)) return String(n)
	// Floating noise from formulas (0.1 + 0.2): round to the 2 decimals amounts allow when that close.
	const rounded = Math.round(n * 100) / 100
	if (Math.abs(rounded - n) < 1e-9) return String(rounded)
	return String(n)
}

function cellText(value: ExcelJS.CellValue): string {
	if (value === null || value === undefined) return ''
	if (typeof value === 'string') return value
	if (typeof value === 'number') return numberText(value)
	if (typeof value === 'boolean') return String(value)
	// exceljs reads an Excel date (a day count without a zone) as that date's UTC midnight.
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10)
	if ('richText' in value) return value.richText.map((r) => r.text).join('')
	if ('error' in value) return String(value.error)
	if ('result' in value) return value.result === undefined ? '' : cellText(value.result as ExcelJS.CellValue)
	if ('text' in value) return typeof value.text === 'string' ? value.text : cellText(value.text as ExcelJS.CellValue)
	return ''
}

function tableToRows(table: string[][]): SheetRow[] {
	const headerIndex = table.findIndex((r) => r.some((c) => c.trim() !== ''))
	if (headerIndex < 0) throw fileError('import.errors.no_rows')
	const columns: Array<ImportField | undefined> = []
	const seen = new Set<ImportField>()
	table[headerIndex].forEach((header, i) => {
		const field = fieldOfHeader(header)
		if (!field) return
		if (seen.has(field)) throw fileError(msg('import.errors.duplicate_column', { column: header.trim() }))
		seen.add(field)
		columns[i] = field
	})
	const missing = REQUIRED_COLUMNS.filter((f) => !seen.has(f))
	if (missing.length) throw fileError(msg('import.errors.missing_columns', { columns: missing.join(',') }))
	if (!seen.has('amount') && !seen.has('quantity')) throw fileError('import.errors.amount_or_quantity_column')
	const rows: SheetRow[] = []
	for (let i = headerIndex + 1; i < table.length; i++) {
		const cells = table[i]
		if (!cells.some((c) => c.trim() !== '')) continue
		if (rows.length >= MAX_IMPORT_ROWS) throw fileError(msg('import.errors.too_many_rows', { max: MAX_IMPORT_ROWS }))
		const values: SheetRow['values'] = {}
		columns.forEach((field, col) => {
			if (field) values[field] = cells[col] ?? ''
		})
		rows.push({ row: i + 1, values })
	}
	if (!rows.length) throw fileError('import.errors.no_rows')
	return rows
}

// ---------------------------------------------------------------------------------------------
// Checking rows

/** Undoes the apostrophe our own exports put before text starting like a formula. */
function cleanText(value: string | undefined): string {
	const v = (value ?? '').trim()
	return /^'[=+\-@]/.test(v) ? v.slice(1) : v
}

/** '12,345.50' → '12345.50' (thousands separators as Excel formats them); other text unchanged. */
function plainNumber(value: string): string {
	return /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(value) ? value.replace(/,/g, '') : value
}

/** '2026/5/1', '2026.05.01', '2026年5月1日', '2026-5-1' → '2026-05-01'; other text unchanged (the schema judges it). */
function isoDate(value: string): string {
	const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0{1,2}:0{2}(?::0{2})?)?$/.exec(value)
	return m ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}` : value
}

function vocab(index: Map<string, string>, value: string): string {
	return index.get(norm(value)) ?? index.get(norm(withoutBrackets(value))) ?? value
}

const EXAMPLE_MARKERS = [LOCALES['zh-CN'].text.template.example_marker, LOCALES.en.text.template.example_marker].map((m) => m.trim())

/** The need form's values for one row (codes from labels, measure inferred when left empty). */
export function rowToFormValues(values: SheetRow['values']) {
	const amount = plainNumber(cleanText(values.amount))
	const quantity = plainNumber(cleanText(values.quantity))
	let measure = cleanText(values.measure)
	if (measure === '') measure = amount !== '' && quantity === '' ? 'amount' : quantity !== '' && amount === '' ? 'quantity' : ''
	else measure = vocab(MEASURE_INDEX, measure)
	return {
		title: cleanText(values.title),
		description: cleanText(values.description),
		category: vocab(CATEGORY_INDEX, cleanText(values.category)),
		measure,
		amount,
		quantity,
		unit: cleanText(values.unit),
		beneficiaries: plainNumber(cleanText(values.beneficiaries)),
		urgency: vocab(URGENCY_INDEX, cleanText(values.urgency)),
		neededBy: isoDate(cleanText(values.neededBy)),
	}
}

const FIELD_ORDER = new Map<string, number>(['row', ...IMPORT_FIELDS].map((f, i) => [f, i]))
const OPEN_STATUSES = ['draft', 'submitted', 'returned', 'published'] as const

function fieldOf(path: string): ImportField | 'row' {
	const head = path.split('.')[0]
	return (IMPORT_FIELDS as readonly string[]).includes(head) ? (head as ImportField) : head === 'form' || head === '' ? 'measure' : 'row'
}

/**
 * Checks every row without writing anything: the need schema (as of `now`), the village (exists,
 * lies in the actor's jurisdiction, has a verified village org), duplicates in the file and open
 * needs of the village with the same title. County and township officials (the reviewers of
 * needs) import within their jurisdiction, a national admin anywhere; anyone else, a province or
 * city official included, gets a forbidden error.
 */
export async function previewNeedImport(db: Kysely<DB>, rows: SheetRow[], actor: Actor, now = Date.now()): Promise<ImportReport> {
	return (await checkRows(db, rows, actor, now)).report
}

async function checkRows(db: Kysely<DB>, rows: SheetRow[], asked: Actor, now: number): Promise<{ report: ImportReport; values: Map<number, NeedValues> }> {
	// Importing publishes, so it is for the officials who review needs: county and township
	// officials (asReviewer), and national admins.
	const actor = asked.isNationalAdmin ? asked : asReviewer(asked)
	if (!isOfficial(actor)) throw AppError.forbidden('errors.forbidden')
	if (rows.length > MAX_IMPORT_ROWS) throw fileError(msg('import.errors.too_many_rows', { max: MAX_IMPORT_ROWS }))
	const schema = needSchema(() => now)
	const problems: ImportProblem[] = []
	const previews: ImportRowPreview[] = []
	const values = new Map<number, NeedValues>()
	for (const sheetRow of rows) {
		const villageCode = cleanText(sheetRow.values.villageCode)
		const form = rowToFormValues(sheetRow.values)
		const preview: ImportRowPreview = {
			row: sheetRow.row,
			villageCode,
			villageName: null,
			villageOrgId: null,
			title: form.title,
			category: null,
			measure: null,
			target: null,
			unit: null,
			beneficiaries: null,
			urgency: null,
			neededBy: null,
			ok: true,
		}
		if (!/^\d{12}$/.test(villageCode) || levelOfCode(villageCode) !== 5) problems.push({ row: sheetRow.row, field: 'villageCode', message: villageCode === '' ? 'validation.required' : 'import.errors.village_code_format' })
		if (EXAMPLE_MARKERS.some((m) => form.title.startsWith(m))) problems.push({ row: sheetRow.row, field: 'title', message: 'import.errors.example_row' })
		const parsed = schema.safeParse(form)
		if (parsed.success) {
			const v = parsed.data
			values.set(sheetRow.row, v)
			Object.assign(preview, { title: v.title, category: v.category, measure: v.measure, target: v.target, unit: v.unit, beneficiaries: v.beneficiaries, urgency: v.urgency, neededBy: v.neededBy })
		} else {
			const seen = new Set<string>()
			for (const issue of parsed.error.issues) {
				const field = fieldOf(issue.path.map(String).join('.'))
				if (seen.has(field)) continue
				seen.add(field)
				problems.push({ row: sheetRow.row, field, message: issue.message })
			}
		}
		previews.push(preview)
	}

	const codes = [...new Set(previews.map((p) => p.villageCode).filter((c) => /^\d{12}$/.test(c)))]
	const villages = new Map<string, { name: string; orgId: string | null; orgStatus: string | null; inside: boolean }>()
	const existing = new Set<string>()
	if (codes.length) {
		// Jurisdiction is decided in the query, not by the caller.
		const found = await db
			.selectFrom('region')
			.leftJoin('organization', (join) => join.onRef('organization.villageCode', '=', 'region.code').on('organization.kind', '=', 'village'))
			.select([
				'region.code',
				'region.name',
				'organization.id as orgId',
				'organization.status as orgStatus',
				sql<number | string>`case when ${inJurisdiction('region.code', actor)} then 1 else 0 end`.as('inside'),
			])
			.where('region.code', 'in', codes)
			.where('region.level', '=', 5)
			.execute()
		for (const v of found) villages.set(v.code, { name: v.name, orgId: v.orgId, orgStatus: v.orgStatus, inside: Number(v.inside) === 1 })
		const titles = [...new Set(previews.map((p) => p.title).filter(Boolean))]
		if (titles.length) {
			const open = await db
				.selectFrom('need')
				.select(['villageCode', 'title'])
				.where('villageCode', 'in', codes)
				.where('title', 'in', titles)
				.where('status', 'in', [...OPEN_STATUSES])
				.execute()
			for (const n of open) existing.add(`${n.villageCode}\n${n.title.toLowerCase()}`)
		}
	}

	const firstRowOf = new Map<string, number>()
	for (const p of previews) {
		if (!/^\d{12}$/.test(p.villageCode) || levelOfCode(p.villageCode) !== 5) continue
		const village = villages.get(p.villageCode)
		if (!village) problems.push({ row: p.row, field: 'villageCode', message: 'import.errors.village_not_found' })
		else {
			p.villageName = village.name
			if (!village.inside) problems.push({ row: p.row, field: 'villageCode', message: 'import.errors.outside_jurisdiction' })
			else if (!village.orgId) problems.push({ row: p.row, field: 'villageCode', message: 'import.errors.village_not_on_bangfu' })
			else if (village.orgStatus !== 'verified') problems.push({ row: p.row, field: 'villageCode', message: 'import.errors.village_org_not_verified' })
			else p.villageOrgId = village.orgId
		}
		if (!p.title) continue
		// Titles compare case-insensitively (MySQL's collation would anyway).
		const key = `${p.villageCode}\n${p.title.toLowerCase()}`
		const first = firstRowOf.get(key)
		if (first !== undefined) problems.push({ row: p.row, field: 'title', message: msg('import.errors.duplicate_row', { row: first }) })
		else {
			firstRowOf.set(key, p.row)
			if (existing.has(key)) problems.push({ row: p.row, field: 'title', message: 'import.errors.duplicate_existing' })
		}
	}

	problems.sort((a, b) => a.row - b.row || (FIELD_ORDER.get(a.field) ?? 0) - (FIELD_ORDER.get(b.field) ?? 0))
	const badRows = new Set(problems.map((p) => p.row))
	for (const p of previews) p.ok = !badRows.has(p.row)
	return { report: { ok: problems.length === 0 && previews.length > 0, rows: previews, problems }, values }
}

/** The actor's government org whose region covers the village, the most specific first (for events). */
function officialOrgOf(actor: Actor, villageCode: string): string | null {
	const codes = new Set(jurisdictionsOf(actor))
	const orgs = actor.memberships
		.filter((m) => m.kind === 'government' && m.status === 'verified' && m.regionCode && codes.has(m.regionCode) && covers(m.regionCode, villageCode))
		.sort((a, b) => (levelOfCode(b.regionCode as string) ?? 0) - (levelOfCode(a.regionCode as string) ?? 0))
	return orgs[0]?.orgId ?? null
}

/**
 * Imports the rows all-or-nothing, in one transaction: checks them again (previewNeedImport) and,
 * only when no row has a problem, creates each need for its village's org as published, with a
 * 'publish' event noting the import and a search outbox row. With any problem it returns the
 * report and writes nothing; an error midway rolls everything back.
 * NOTE: on MySQL the villages' org rows are locked first, so two imports of the same file cannot
 * both pass the duplicate check.
 */
export async function commitNeedImport(db: Kysely<DB>, rows: SheetRow[], actor: Actor, now = Date.now()): Promise<CommitResult> {
	return db.transaction().execute(async (trx) => {
		const codes = [...new Set(rows.map((r) => cleanText(r.values.villageCode)).filter((c) => /^\d{12}$/.test(c)))]
		if (codes.length) await lockForUpdate(trx.selectFrom('organization').select('id').where('villageCode', 'in', codes), trx).execute()
		const { report, values } = await checkRows(trx, rows, actor, now)
		if (!report.ok) return { ok: false as const, report, created: [] as [] }
		const note = LOCALES['zh-CN'].text.event_note
		const created: ImportedNeed[] = []
		for (const p of report.rows) {
			const v = values.get(p.row)
			if (!p.villageOrgId || !v) throw new Error(`import row ${p.row} passed the checks without its values`)
			const id = newId(now)
			await trx
				.insertInto('need')
				.values({
					id,
					villageOrgId: p.villageOrgId,
					villageCode: p.villageCode,
					...v,
					status: 'published',
					statusNote: null,
					duplicateOf: null,
					reviewedBy: actor.accountId,
					reviewedAt: now,
					submittedAt: now,
					publishedAt: now,
					closedAt: null,
					createdBy: actor.accountId,
					createdAt: now,
					updatedAt: now,
				})
				.execute()
			await recordEvent(
				trx,
				{ entityType: 'need', entityId: id, action: 'publish', fromState: null, toState: 'published', note, actorAccountId: actor.accountId, actorOrgId: officialOrgOf(actor, p.villageCode), requestId: actor.requestId },
				now,
			)
			await enqueueSearch(trx, 'need', id, now)
			created.push({ id, row: p.row, title: p.title, villageCode: p.villageCode, villageName: p.villageName ?? p.villageCode })
		}
		return { ok: true as const, report, created }
	})
}

// ---------------------------------------------------------------------------------------------
// The template

function allowedValues(kind: 'category' | 'measure' | 'urgency', codes: readonly string[], language: ImportLanguage): string {
	const labels = LOCALES[language].common[kind] as Record<string, string>
	const zh = LOCALES['zh-CN'].common[kind] as Record<string, string>
	return codes.map((c) => (language === 'en' ? `${c} = ${labels[c]} (${zh[c]})` : `${c} = ${labels[c]}`)).join('\n')
}

/**
 * The import template in `language`: the column names, one example row (marked, so that a left-in
 * example is reported, not imported) and, in .xlsx, a second sheet explaining each column and its
 * allowed values. The example's needed-by date is 60 days after `now`.
 */
export async function needImportTemplate(format: SpreadsheetFormat, language: ImportLanguage, now = Date.now()): Promise<{ filename: string; contentType: string; body: Uint8Array<ArrayBuffer> }> {
	const { text, common } = LOCALES[language]
	const headers = IMPORT_FIELDS.map((f) => text.columns[f])
	const example: Record<ImportField, string | number> = {
		villageCode: '513431100201',
		title: `${text.template.example_marker}${text.template.example_title}`,
		description: text.template.example_description,
		category: common.category.industry,
		measure: common.measure.amount,
		amount: 50000,
		quantity: '',
		unit: text.template.example_unit,
		beneficiaries: 120,
		urgency: common.urgency.normal,
		neededBy: formatChinaDate(chinaDayStart(now) + 60 * 86_400_000),
	}
	const filename = `${text.template.filename}.${format}`
	if (format === 'csv') {
		const columns = IMPORT_FIELDS.map((f) => ({ key: f, header: text.columns[f] }))
		const csv = `\uFEFF${csvLine(columns, Object.fromEntries(columns.map((c) => [c.key, c.header])))}${csvLine(columns, example)}`
		return { filename, contentType: CONTENT_TYPES.csv, body: new TextEncoder().encode(csv) }
	}
	const workbook = new ExcelJS.Workbook()
	workbook.creator = 'Bangfu'
	const sheet = workbook.addWorksheet(text.template.sheet_data, { views: [{ state: 'frozen', ySplit: 1 }] })
	sheet.columns = IMPORT_FIELDS.map((f, i) => ({
		key: f,
		header: headers[i],
		width: f === 'title' || f === 'description' ? 36 : f === 'villageCode' ? 16 : 14,
		// Text format for codes and dates, so Excel keeps 12 digits and the typed date as written.
		style: f === 'villageCode' || f === 'neededBy' ? { numFmt: '@' } : {},
	}))
	sheet.getRow(1).font = { bold: true }
	sheet.addRow(example)
	// Drop-down lists of the labels for the coded columns, down to the row limit.
	const lists: Array<[ImportField, string[]]> = [
		['category', NEED_CATEGORIES.map((c) => common.category[c])],
		['measure', MEASURES.map((c) => common.measure[c])],
		['urgency', URGENCIES.map((c) => common.urgency[c])],
	]
	// NOTE: one range per column through the (untyped) worksheet.dataValidations: per-cell
	// validations are merged by exceljs into overlapping ranges (it sorts D10 before D2), which
	// Excel then offers to "repair".
	const validations = (sheet as unknown as { dataValidations: { add: (range: string, validation: ExcelJS.DataValidation) => void } }).dataValidations
	for (const [field, labels] of lists) {
		const col = sheet.getColumn(field).letter
		// Excel caps a list written inline at 255 characters; the labels above are well below.
		const formula = `"${labels.map((l) => l.replace(/[",]/g, ' ')).join(',')}"`
		validations.add(`${col}2:${col}${MAX_IMPORT_ROWS + 1}`, { type: 'list', allowBlank: true, showErrorMessage: false, formulae: [formula] })
	}
	const help = workbook.addWorksheet(text.template.sheet_help)
	help.columns = [
		{ key: 'column', header: text.template.col_column, width: 16 },
		{ key: 'required', header: text.template.col_required, width: 22 },
		{ key: 'explain', header: text.template.col_explain, width: 70 },
		{ key: 'allowed', header: text.template.col_allowed, width: 50 },
	]
	help.getRow(1).font = { bold: true }
	const requiredText = (f: ImportField) =>
		f === 'amount' ? text.template.required_amount : f === 'quantity' || f === 'unit' ? text.template.required_quantity : REQUIRED_COLUMNS.includes(f) ? text.template.required_yes : text.template.required_no
	for (const f of IMPORT_FIELDS) {
		const allowed = f === 'category' ? allowedValues('category', NEED_CATEGORIES, language) : f === 'measure' ? allowedValues('measure', MEASURES, language) : f === 'urgency' ? allowedValues('urgency', URGENCIES, language) : ''
		const row = help.addRow({ column: text.columns[f], required: requiredText(f), explain: text.template.help[f], allowed })
		row.alignment = { wrapText: true, vertical: 'top' }
	}
	const body = new Uint8Array(await workbook.xlsx.writeBuffer())
	return { filename, contentType: CONTENT_TYPES.xlsx, body }
}
