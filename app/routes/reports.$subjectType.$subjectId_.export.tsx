// /reports/:subjectType/:subjectId/export?year=&format=xlsx: the annual work report as a workbook
// (指标 / 典型案例 / 问题与下一步; csv puts the three one after another). Numbers stay numbers (yuan,
// people, percent); headers follow the UI language (Chinese by default). Officials who supervise
// the subject only (the model checks).
import type { LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { i18next } from '#app/i18next.server.ts'
import { yearParam } from '#app/models/appraisal.schema.ts'
import { INDICATOR_UNITS } from '#app/models/indicator.server.ts'
import { loadSubject } from '#app/models/subject.server.ts'
import { getWorkReport } from '#app/models/work-report.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { chinaYearOf } from '#app/utils/china-date.ts'
import { throwAsResponse } from '#app/utils/http.server.ts'
import { NUM_FMT, type WorkbookSheet, unitNumFmt, unitNumber, workbookResponse } from '#app/utils/workbook.server.ts'

const FormatSchema = z.enum(['xlsx', 'csv']).catch('xlsx')

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const url = new URL(request.url)
	const year = yearParam(url.searchParams.get('year'), chinaYearOf(Date.now()))
	const format = FormatSchema.parse(url.searchParams.get('format') ?? 'xlsx')
	const language = await i18next.getLocale(request)
	const t = await i18next.getFixedT(request)
	let report: Awaited<ReturnType<typeof getWorkReport>>
	try {
		const subject = await loadSubject(db, params.subjectType ?? '', params.subjectId ?? '')
		report = await getWorkReport(db, subject, year, actor, { language })
	} catch (error) {
		throwAsResponse(error)
	}
	const h = (key: string) => t(`report.export.${key}`)

	const sheets: WorkbookSheet[] = [
		{
			name: h('sheet_indicators'),
			columns: [
				{ key: 'indicator', header: h('col_indicator'), width: 34 },
				{ key: 'unit', header: h('col_unit'), width: 8 },
				{ key: 'actual', header: h('col_actual'), width: 18 },
				{ key: 'target', header: h('col_target'), width: 18 },
				{ key: 'achievement', header: h('col_achievement'), width: 14, numFmt: NUM_FMT.percent },
			],
			rows: report.indicators.map((r) => {
				const unit = INDICATOR_UNITS[r.indicator]
				const numFmt = unitNumFmt(unit)
				return {
					indicator: t(`indicators.name.${r.indicator}`),
					unit: t(`indicators.unit.${unit}`),
					actual: { value: unitNumber(unit, r.actual), numFmt },
					target: { value: unitNumber(unit, r.target), numFmt },
					achievement: unitNumber('permille', r.achievement),
				}
			}),
		},
		{
			name: h('sheet_cases'),
			columns: [
				{ key: 'no', header: h('col_no'), width: 6, numFmt: NUM_FMT.count },
				{ key: 'need', header: h('col_need'), width: 30 },
				{ key: 'village', header: h('col_village'), width: 36 },
				{ key: 'provider', header: h('col_provider'), width: 28 },
				{ key: 'amount', header: h('col_amount'), width: 18 },
				{ key: 'unit', header: h('col_amount_unit'), width: 8 },
				{ key: 'verifiedOn', header: h('col_verified_on'), width: 12 },
				{ key: 'note', header: h('col_note'), width: 40 },
			],
			rows: report.cases.map((c, i) => ({
				no: i + 1,
				need: c.needTitle,
				village: c.villageName,
				provider: c.providerName,
				amount: c.measure === 'amount' ? { value: unitNumber('fen', c.verifiedAmount), numFmt: NUM_FMT.yuan } : { value: c.verifiedAmount, numFmt: NUM_FMT.count },
				unit: c.measure === 'amount' ? h('yuan') : (c.unit ?? ''),
				verifiedOn: c.verifiedOn,
				note: c.note,
			})),
		},
		{
			name: h('sheet_text'),
			columns: [
				{ key: 'section', header: h('col_section'), width: 16 },
				{ key: 'content', header: h('col_content'), width: 100 },
			],
			rows: [
				{ section: t('report.page.problems'), content: report.report?.problems ?? '' },
				{ section: t('report.page.next_steps'), content: report.report?.nextSteps ?? '' },
			],
		},
	]
	return workbookResponse({ format, filename: t('report.export.filename', { name: report.subject.name, year: report.year }), sheets })
}
