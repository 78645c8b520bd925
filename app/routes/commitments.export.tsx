// /commitments/export?[status=…&]format=xlsx|csv: the actor's commitments as the commitments page
// lists them (both sides, its status filter), streamed as a spreadsheet with headers in the user's
// language (list-export.server.ts, docs/export.md).
// NOTE: a resource route (no default export) on purpose: a page route cannot send a file.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { i18next } from '#app/i18next.server.ts'
import { listExport } from '#app/models/list-export.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { isSpreadsheetFormat, spreadsheetResponse } from '#app/utils/spreadsheet.server.ts'

function textResponse(status: number, text: string) {
	return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' } })
}

export async function loader({ request }: LoaderFunctionArgs) {
	// Not public: only what the actor's orgs may see (as the commitments page).
	const { db, actor } = await requireActor(request)
	const locale = await i18next.getLocale(request)
	const t = await i18next.getFixedT(locale)
	const url = new URL(request.url)
	const format = url.searchParams.get('format') ?? 'xlsx'
	if (!isSpreadsheetFormat(format)) return textResponse(400, `${t('export.format')}: ${t('export.format_error')}`)
	const { columns, rows } = listExport(db, 'commitments', url, actor, { t: (key) => t(key), money: format === 'csv' ? 'text' : 'number' })
	const name = t('export.names.commitments')
	return spreadsheetResponse({
		format,
		filename: `${name}-${formatChinaDate(Date.now())}`,
		sheetName: name,
		columns: columns.map((c) => ({ ...c, header: t(c.header) })),
		rows,
	})
}
