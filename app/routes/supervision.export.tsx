// /supervision/export?list=…&format=xlsx|csv[&region=…][&threshold=…]: the current 督查 list as a
// streamed spreadsheet, with the page's filters and column headers in the user's language.
// NOTE: a resource route (no default export) on purpose: Remix turns a Response a page route's
// loader returns into page data, so a page route cannot send a file.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { listState } from '#app/components/supervision.tsx'
import { i18next } from '#app/i18next.server.ts'
import { isOfficial } from '#app/models/policy.server.ts'
import { parseThreshold } from '#app/models/supervision.schema.ts'
import { EXPORT_COLUMNS, iterateExportRows, resolveRegionFilter } from '#app/models/supervision.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { AppError } from '#app/utils/errors.ts'
import { tm } from '#app/utils/i18n-message.ts'
import { isSpreadsheetFormat, spreadsheetResponse } from '#app/utils/spreadsheet.server.ts'

function textResponse(status: number, text: string) {
	return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' } })
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const locale = await i18next.getLocale(request)
	const t = await i18next.getFixedT(locale)
	if (!isOfficial(actor)) return textResponse(403, t('errors.forbidden'))
	const url = new URL(request.url)
	const state = listState(url)
	const format = url.searchParams.get('format') ?? 'xlsx'
	if (!isSpreadsheetFormat(format)) return textResponse(400, `${t('supervision.export.format')}: ${t('supervision.errors.format')}`)
	let region: { code: string } | null
	try {
		region = await resolveRegionFilter(db, actor, state.region)
	} catch (error) {
		if (error instanceof AppError && error.code === 'invalid') return textResponse(400, `${t('supervision.filters.region')}: ${tm(t, error.fields.region)}`)
		throw error
	}
	const threshold = parseThreshold(state.threshold || null)
	if (state.list === 'lagging' && threshold.error) return textResponse(400, `${t('supervision.filters.threshold')}: ${tm(t, threshold.error)}`)

	const name = t(`supervision.lists.${state.list}`)
	return spreadsheetResponse({
		format,
		filename: `${name}-${region?.code ?? t('supervision.export.all')}-${formatChinaDate(Date.now())}`,
		sheetName: name,
		columns: EXPORT_COLUMNS[state.list].map((c) => ({ key: c.key, header: t(c.header), width: c.width })),
		rows: iterateExportRows(db, actor, state.list, { region: region?.code }, { language: locale, threshold: threshold.value }),
	})
}
