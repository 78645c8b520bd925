// /dashboard/export?region=…&year=…&quarter=…&kind=…&format=xlsx|csv: the dashboard as a
// workbook (指标, 月度趋势, 分类, 地区排名). It runs the dashboard's own loader, so the permission
// check and the figures are the page's; headers follow the UI language (Chinese by default).
import type { LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { i18next } from '#app/i18next.server.ts'
import { INDICATOR_UNITS } from '#app/models/indicator.server.ts'
import { NUM_FMT, type WorkbookSheet, unitNumFmt, unitNumber, workbookResponse } from '#app/utils/workbook.server.ts'
import { loader as dashboardLoader } from './dashboard._index.tsx'

const FormatSchema = z.enum(['xlsx', 'csv']).catch('xlsx')

export async function loader(args: LoaderFunctionArgs) {
	const d = await dashboardLoader(args)
	const url = new URL(args.request.url)
	const format = FormatSchema.parse(url.searchParams.get('format') ?? 'xlsx')
	const t = await i18next.getFixedT(args.request)
	const h = (key: string) => t(`dashboard.export.${key}`)
	const name = d.region?.name ?? t('dashboard.nation')
	const period = d.params.quarter ? t('dashboard.period_quarter', { year: d.params.year, quarter: d.params.quarter }) : t('dashboard.period_year', { year: d.params.year })
	const yuan = (fen: number) => unitNumber('fen', fen)

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
			rows: d.rows.map((r) => {
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
			name: h('sheet_monthly'),
			columns: [
				{ key: 'month', header: h('col_month'), width: 10 },
				{ key: 'funds', header: h('col_funds'), width: 18, numFmt: NUM_FMT.yuan },
				{ key: 'count', header: h('col_count'), width: 14, numFmt: NUM_FMT.count },
			],
			rows: d.months.map((m) => ({ month: `${d.params.year}-${String(m.month).padStart(2, '0')}`, funds: yuan(m.verifiedFen), count: m.verifiedCount })),
		},
		{
			name: h('sheet_breakdown'),
			columns: [
				{ key: 'dimension', header: h('col_dimension'), width: 14 },
				{ key: 'name', header: h('col_name'), width: 30 },
				{ key: 'funds', header: h('col_funds'), width: 18, numFmt: NUM_FMT.yuan },
				{ key: 'count', header: h('col_count'), width: 14, numFmt: NUM_FMT.count },
			],
			rows: [
				...d.byCategory.map((r) => ({ dimension: t('dashboard.breakdown.col_category'), name: t(`vocab.category.${r.key}`), funds: yuan(r.verifiedFen), count: r.verifiedCount })),
				...d.byOrgKind.map((r) => ({ dimension: t('dashboard.breakdown.col_kind'), name: t(`vocab.org_kind.${r.key}`), funds: yuan(r.verifiedFen), count: r.verifiedCount })),
			],
		},
		{
			name: h('sheet_ranking'),
			columns: [
				{ key: 'rank', header: h('col_rank'), width: 8, numFmt: NUM_FMT.count },
				{ key: 'region', header: h('col_region'), width: 24 },
				{ key: 'code', header: h('col_code'), width: 16 },
				{ key: 'funds', header: h('col_funds'), width: 18, numFmt: NUM_FMT.yuan },
				{ key: 'count', header: h('col_count'), width: 14, numFmt: NUM_FMT.count },
				{ key: 'needs', header: h('col_needs'), width: 14, numFmt: NUM_FMT.count },
				{ key: 'coverage', header: h('col_coverage'), width: 16, numFmt: NUM_FMT.percent },
			],
			rows: d.ranking.rows.map((r, i) => ({
				rank: i + 1,
				region: r.name,
				code: r.code,
				funds: yuan(r.verifiedFen),
				count: r.verifiedCount,
				needs: r.needsPublished,
				coverage: unitNumber('permille', r.coverageRate),
			})),
		},
	]
	const kind = d.params.kind ? `_${t(`vocab.org_kind.${d.params.kind}`)}` : ''
	return workbookResponse({ format, filename: `${h('filename')}_${name}_${period}${kind}`, sheets })
}
