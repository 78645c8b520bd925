// /needs/import: officials import village needs from an Excel or CSV file. GET ?template=xlsx|csv
// downloads the template (in the UI language); POST intent=preview reads the upload and shows the
// row-level report; POST intent=commit imports it, all-or-nothing, and lists the created needs.
//
// Between preview and commit the file itself travels back in the commit form: base64 in a hidden
// field, signed with an HMAC over (account, time, the file's SHA-256, its name). The commit
// re-parses it and re-runs every check inside its transaction, so the signature is not what grants
// permission: it makes the commit exactly the file this account previewed, within the hour. A
// temp table would need a migration and a cleanup job for abandoned previews; the hidden field
// costs one extra 2.7 MB round trip at worst and leaves nothing behind.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { tapStyle } from '#app/components/need-form.tsx'
import { i18next } from '#app/i18next.server.ts'
import {
	type ImportProblem,
	type ImportReport,
	type ImportedNeed,
	MAX_IMPORT_BYTES,
	MAX_IMPORT_MB,
	MAX_IMPORT_ROWS,
	commitNeedImport,
	needImportTemplate,
	parseNeedSheet,
	previewNeedImport,
} from '#app/models/need-import.server.ts'
import { isOfficial } from '#app/models/policy.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { STATUS_BY_CODE, isAppError, msg, parseMsg } from '#app/utils/errors.ts'
import { formatTarget } from '#app/utils/format.ts'
import { forbidden } from '#app/utils/http.server.ts'
import { tm } from '#app/utils/i18n-message.ts'
import { readFileForm } from '#app/utils/photo-form.server.ts'
import { contentDisposition, isSpreadsheetFormat } from '#app/utils/spreadsheet.server.ts'

export const meta: MetaFunction = () => [{ title: '批量导入需求 · 帮扶 Bangfu' }]

// The commit form carries the file as base64 (4/3 of its size): text parts may be that large;
// the file part itself is refused above MAX_IMPORT_BYTES.
const MAX_PART_BYTES = Math.ceil(MAX_IMPORT_BYTES / 3) * 4 + 1024
const PREVIEW_MAX_AGE_MS = 60 * 60 * 1000
// NOTE: SESSION_SECRET is read here because env.server.ts has no signing secret yet. Without it a
// per-process key is used: a preview then only commits on the process that made it (a restart
// or another instance asks for the file again, which is safe).
const SIGNING_KEY = process.env.SESSION_SECRET?.trim() || randomBytes(32).toString('hex')

function sign(accountId: string, issuedAt: number, bytes: Uint8Array, filename: string): string {
	const digest = createHash('sha256').update(bytes).digest('hex')
	return createHmac('sha256', SIGNING_KEY).update(`need-import\n${accountId}\n${issuedAt}\n${digest}\n${filename}`).digest('hex')
}

function verified(accountId: string, issuedAt: number, bytes: Uint8Array, filename: string, signature: string, now: number): boolean {
	if (!Number.isSafeInteger(issuedAt) || issuedAt > now + 60_000 || now - issuedAt > PREVIEW_MAX_AGE_MS) return false
	const expected = Buffer.from(sign(accountId, issuedAt, bytes, filename), 'hex')
	const given = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : '', 'hex')
	return given.length === expected.length && timingSafeEqual(given, expected)
}

async function requireOfficial(request: Request) {
	const context = await requireActor(request)
	if (!isOfficial(context.actor)) forbidden()
	return context
}

export async function loader({ request }: LoaderFunctionArgs) {
	await requireOfficial(request)
	const format = new URL(request.url).searchParams.get('template')
	if (format !== null) {
		if (!isSpreadsheetFormat(format)) throw data({ message: 'errors.not_found' }, { status: 404 })
		const language = (await i18next.getLocale(request)) === 'en' ? 'en' : 'zh-CN'
		const template = await needImportTemplate(format, language)
		return new Response(template.body, {
			headers: {
				'Content-Type': template.contentType,
				'Content-Disposition': contentDisposition(template.filename),
				'Content-Length': String(template.body.byteLength),
				'X-Content-Type-Options': 'nosniff',
				'Cache-Control': 'private, no-store',
			},
		})
	}
	return { maxMb: MAX_IMPORT_MB, maxRows: MAX_IMPORT_ROWS }
}

type PreviewRow = {
	row: number
	villageCode: string
	villageName: string | null
	title: string
	category: string | null
	measure: string | null
	target: number | null
	unit: string | null
	neededBy: number | null
	ok: boolean
}
/** What the commit form sends back (only when every row passed). */
type Upload = { payload: string; filename: string; issuedAt: number; signature: string }

export type ImportActionData =
	| { stage: 'error'; error: string }
	| { stage: 'preview'; filename: string; ok: boolean; rows: PreviewRow[]; problems: ImportProblem[]; upload: Upload | null }
	| { stage: 'done'; created: ImportedNeed[] }

function previewData(filename: string, report: ImportReport, upload: Upload | null): ImportActionData {
	return {
		stage: 'preview',
		filename,
		ok: report.ok,
		problems: report.problems,
		upload,
		rows: report.rows.map((r) => ({
			row: r.row,
			villageCode: r.villageCode,
			villageName: r.villageName,
			title: r.title,
			category: r.category,
			measure: r.measure,
			target: r.target,
			unit: r.unit,
			neededBy: r.neededBy,
			ok: r.ok,
		})),
	}
}

const fail = (error: string, status = 400) => data<ImportActionData>({ stage: 'error', error }, { status })

/** A display-safe file name (it is shown and signed, never used as a path). */
function cleanName(name: string): string {
	return name.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200) || 'upload'
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireOfficial(request)
	// Only multipart: an urlencoded body would be read whole, without the part size cap.
	if (!(request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) return fail('import.errors.no_file')
	const form = await readFileForm(request, { field: 'file', maxFiles: 1, maxBytes: MAX_PART_BYTES })
	const tooLarge = msg('import.errors.too_large', { maxMb: MAX_IMPORT_MB })
	if (form.aborted || form.oversized.length) return fail(tooLarge, 413)
	const intent = form.formData.get('intent') === 'commit' ? 'commit' : 'preview'
	const now = Date.now()

	let bytes: Uint8Array
	let filename: string
	if (intent === 'commit') {
		const payload = String(form.formData.get('payload') ?? '')
		filename = cleanName(String(form.formData.get('filename') ?? ''))
		bytes = new Uint8Array(Buffer.from(payload, 'base64'))
		const issuedAt = Number(form.formData.get('issuedAt'))
		if (!payload || !verified(actor.accountId, issuedAt, bytes, filename, String(form.formData.get('signature') ?? ''), now)) return fail('import.errors.stale')
	} else {
		const file = form.files[0]
		if (!file || file.size === 0) return fail(file ? 'import.errors.empty_file' : 'import.errors.no_file')
		if (file.size > MAX_IMPORT_BYTES) return fail(tooLarge, 413)
		bytes = new Uint8Array(await file.arrayBuffer())
		filename = cleanName(file.name)
	}

	try {
		// The model judges the file by its bytes and every row by the need form's schema.
		const rows = await parseNeedSheet(bytes, filename)
		if (intent === 'preview') {
			const report = await previewNeedImport(db, rows, actor, now)
			const upload = report.ok ? { payload: Buffer.from(bytes).toString('base64'), filename, issuedAt: now, signature: sign(actor.accountId, now, bytes, filename) } : null
			return data(previewData(filename, report, upload), { status: report.ok ? 200 : 400 })
		}
		const result = await commitNeedImport(db, rows, actor, now)
		if (!result.ok) return data(previewData(filename, result.report, null), { status: 400 })
		return data<ImportActionData>({ stage: 'done', created: result.created })
	} catch (error) {
		if (!isAppError(error)) throw error
		if (error.code === 'forbidden') forbidden(error.message)
		return fail(error.fields.file ?? error.message, STATUS_BY_CODE[error.code])
	}
}

/** A report message in the user's language; a list of missing columns by their names. */
function problemText(t: TFunction, language: string, message: string): string {
	const { key, values } = parseMsg(message)
	if (key === 'import.errors.missing_columns' && typeof values?.columns === 'string') {
		const names = values.columns.split(',').map((f) => t(`import.columns.${f}`))
		return t(key, { columns: names.join(language === 'en' ? ', ' : '、') })
	}
	return tm(t, message)
}

export default function NeedImportPage() {
	const { t } = useTranslation()
	const { maxMb, maxRows } = useLoaderData<typeof loader>()
	const result = useActionData<typeof action>() as ImportActionData | undefined
	return (
		<>
			<p className="crumbs">
				<Link to="/review/needs">{t('import.back')}</Link>
			</p>
			<h1>{t('import.title')}</h1>
			<p className="muted">{t('import.intro')}</p>
			{result?.stage === 'done' ? (
				<Done created={result.created} />
			) : (
				<>
					{result?.stage === 'preview' ? <Preview data={result} /> : null}
					<section className="card" aria-labelledby="h-template">
						<h2 id="h-template" style={{ marginTop: 0 }}>
							{t('import.template.title')}
						</h2>
						<p className="muted">{t('import.template.hint')}</p>
						<p className="row">
							{/* Plain links: the loader answers with the file, not a page. */}
							<a href="/needs/import?template=xlsx" download className="button" style={{ ...tapStyle, lineHeight: '28px' }}>
								{t('import.template.xlsx')}
							</a>{' '}
							<a href="/needs/import?template=csv" download className="button secondary" style={{ ...tapStyle, lineHeight: '28px' }}>
								{t('import.template.csv')}
							</a>
						</p>
					</section>
					<UploadForm maxMb={maxMb} maxRows={maxRows} error={result?.stage === 'error' ? result.error : null} />
				</>
			)}
		</>
	)
}

function UploadForm({ maxMb, maxRows, error }: { maxMb: number; maxRows: number; error: string | null }) {
	const { t, i18n } = useTranslation()
	const navigation = useNavigation()
	const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'preview'
	return (
		<section className="card" aria-labelledby="h-upload">
			<h2 id="h-upload" style={{ marginTop: 0 }}>
				{t('import.upload.title')}
			</h2>
			<Form method="post" encType="multipart/form-data" className="narrow">
				{error ? (
					<ul className="errors" role="alert" id="import-error">
						<li>{problemText(t, i18n.language, error)}</li>
					</ul>
				) : null}
				<input type="hidden" name="intent" value="preview" />
				<div className="field">
					<label htmlFor="import-file">{t('import.upload.file', { maxMb, maxRows })}</label>
					<input
						id="import-file"
						type="file"
						name="file"
						required
						accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
						aria-describedby={error ? 'import-error' : undefined}
						style={tapStyle}
					/>
				</div>
				<button type="submit" disabled={busy} style={tapStyle}>
					{busy ? t('import.upload.busy') : t('import.upload.submit')}
				</button>
			</Form>
		</section>
	)
}

function Preview({ data: preview }: { data: Extract<ImportActionData, { stage: 'preview' }> }) {
	const { t, i18n } = useTranslation()
	const navigation = useNavigation()
	const committing = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'commit'
	const column = (field: string) => t(`import.columns.${field}`)
	return (
		<section className="card" aria-labelledby="h-preview">
			<h2 id="h-preview" style={{ marginTop: 0, overflowWrap: 'anywhere' }}>
				{t('import.preview.title', { filename: preview.filename })}
			</h2>
			<p>{t('import.preview.summary', { count: preview.rows.length })}</p>
			{preview.problems.length ? (
				<div role="alert">
					<h3>{t('import.preview.problems_title', { count: preview.problems.length })}</h3>
					<p className="muted">{t('import.preview.problems_intro')}</p>
					<div className="table-wrap">
						<table className="import-problems">
							<thead>
								<tr>
									<th scope="col">{t('import.preview.col_row')}</th>
									<th scope="col">{t('import.preview.col_column')}</th>
									<th scope="col">{t('import.preview.col_message')}</th>
								</tr>
							</thead>
							<tbody>
								{preview.problems.map((p, i) => (
									<tr key={`${p.row}-${p.field}-${i}`}>
										<td>{p.row}</td>
										<td>{column(p.field)}</td>
										<td>{problemText(t, i18n.language, p.message)}</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				</div>
			) : (
				<p className="notice" role="status">
					{t('import.preview.ok', { count: preview.rows.length })}
				</p>
			)}
			{preview.upload ? (
				<Form method="post" encType="multipart/form-data">
					<input type="hidden" name="intent" value="commit" />
					<input type="hidden" name="payload" value={preview.upload.payload} />
					<input type="hidden" name="filename" value={preview.upload.filename} />
					<input type="hidden" name="issuedAt" value={preview.upload.issuedAt} />
					<input type="hidden" name="signature" value={preview.upload.signature} />
					<button type="submit" disabled={committing} style={tapStyle}>
						{committing ? t('import.preview.committing') : t('import.preview.commit', { count: preview.rows.length })}
					</button>
				</Form>
			) : null}
			<h3>{t('import.preview.rows_title')}</h3>
			<div className="table-wrap">
				<table>
					<thead>
						<tr>
							<th scope="col">{t('import.preview.col_row')}</th>
							<th scope="col">{t('import.preview.col_village')}</th>
							<th scope="col">{t('import.preview.col_need')}</th>
							<th scope="col">{t('import.preview.col_category')}</th>
							<th scope="col">{t('import.preview.col_target')}</th>
							<th scope="col">{t('import.preview.col_needed_by')}</th>
							<th scope="col">{t('import.preview.col_status')}</th>
						</tr>
					</thead>
					<tbody>
						{preview.rows.map((r) => (
							<tr key={r.row}>
								<td>{r.row}</td>
								<td>
									{r.villageName ?? '—'} <span className="muted">{r.villageCode}</span>
								</td>
								<td style={{ overflowWrap: 'anywhere' }}>{r.title || '—'}</td>
								<td>{r.category ? t(`vocab.category.${r.category}`) : '—'}</td>
								<td style={{ whiteSpace: 'nowrap' }}>{r.measure && r.target !== null ? formatTarget(t, i18n.language, r.measure, r.target, r.unit) : '—'}</td>
								<td>{r.neededBy !== null ? formatChinaDate(r.neededBy) : '—'}</td>
								<td>
									<span className={`tag ${r.ok ? 'verified' : 'rejected'}`}>{r.ok ? t('import.preview.row_ok') : t('import.preview.row_bad')}</span>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
		</section>
	)
}

function Done({ created }: { created: ImportedNeed[] }) {
	const { t } = useTranslation()
	return (
		<section className="card" aria-labelledby="h-done">
			<h2 id="h-done" style={{ marginTop: 0 }}>
				{t('import.result.title')}
			</h2>
			<p className="notice" role="status">
				{t('import.result.created', { count: created.length })}
			</p>
			<div className="table-wrap">
				<table>
					<thead>
						<tr>
							<th scope="col">{t('import.result.col_row')}</th>
							<th scope="col">{t('import.result.col_need')}</th>
							<th scope="col">{t('import.result.col_village')}</th>
						</tr>
					</thead>
					<tbody>
						{created.map((n) => (
							<tr key={n.id}>
								<td>{n.row}</td>
								<td style={{ overflowWrap: 'anywhere' }}>
									<Link to={`/needs/${n.id}`}>{n.title}</Link>
								</td>
								<td>
									<Link to={`/regions/${n.villageCode}`}>{n.villageName}</Link>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
			<p>
				<Link to="/needs/import" reloadDocument>
					{t('import.result.another')}
				</Link>
			</p>
		</section>
	)
}
