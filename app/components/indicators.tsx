// Indicators as pages show them: values formatted by unit, the actual-against-target table, the
// monthly trend and breakdown sections (chart plus the same figures as a table) and the target
// form. Shared by the dashboards, appraisals and work reports. Pure on both sides: the units are
// repeated here because indicator.server.ts cannot reach the browser (a route test keeps the two
// lists equal).
import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { Form, useNavigation } from '@remix-run/react'
import { useCallback, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { type Language, isLanguage, resources } from '#app/i18n.ts'
import type { BreakdownRow, IndicatorCode, IndicatorUnit, MonthFigure } from '#app/models/indicator.server.ts'
import type { TargetRow } from '#app/models/indicator-target.server.ts'
import { fenToYuan } from '#app/utils/money.ts'
import { formatYuan } from '#app/utils/format.ts'
import { Chart, type ChartOption } from './chart.tsx'
import { ErrorList } from './form.tsx'

export const INDICATOR_UNIT_OF = {
	funds_committed: 'fen',
	funds_delivered: 'fen',
	funds_verified: 'fen',
	csr_investment: 'fen',
	consumption: 'fen',
	jobs: 'people',
	trained: 'people',
	villages_paired: 'villages',
	coverage_rate: 'permille',
	on_time_rate: 'permille',
	median_days_to_commitment: 'days',
} as const satisfies Record<IndicatorCode, IndicatorUnit>
/** In INDICATORS order. */
export const INDICATOR_CODES = Object.keys(INDICATOR_UNIT_OF) as IndicatorCode[]

const NONE = '—'

function locale(language: string) {
	return language === 'en' ? 'en-US' : 'zh-CN'
}

function valueText(language: string, kind: 'people' | 'villages' | 'days' | 'percent', n: string): string {
	const lang: Language = isLanguage(language) ? language : 'zh-CN'
	const templates = (resources[lang].translation.indicators as { value: Record<string, string> }).value
	return templates[kind].replace('{{n}}', n)
}

/** A per-mille figure as a percent with one decimal: 853 → 85.3%. */
export function formatPermille(permille: number | null, language: string): string {
	if (permille === null) return NONE
	const n = (permille / 10).toLocaleString(locale(language), { minimumFractionDigits: 1, maximumFractionDigits: 1 })
	return valueText(language, 'percent', n)
}

/** An indicator's value in its unit: ¥ for money, a percent for rates, people, villages, days; — for none. */
export function formatIndicatorValue(indicator: IndicatorCode, value: number | null, language: string): string {
	if (value === null || value === undefined) return NONE
	const unit = INDICATOR_UNIT_OF[indicator]
	if (unit === 'fen') return formatYuan(value, language)
	if (unit === 'permille') return formatPermille(value, language)
	const digits = unit === 'days' && !Number.isInteger(value) ? 1 : 0
	return valueText(language, unit, value.toLocaleString(locale(language), { minimumFractionDigits: digits, maximumFractionDigits: digits }))
}

/** A stored target as the form takes it back (yuan, percent, whole numbers). */
export function targetInputValue(indicator: IndicatorCode, value: number): string {
	const unit = INDICATOR_UNIT_OF[indicator]
	if (unit === 'fen') return fenToYuan(value)
	if (unit === 'permille') return String(value / 10)
	return String(value)
}

// Below 480px each table row becomes a small card, each value led by its column name.
// NOTE: no quotes, ampersands or angle brackets here: React escapes text inside <style>.
const STACKED_TABLES = `
@media (max-width: 480px) {
	table.stacked thead { display: none; }
	table.stacked caption { display: block; }
	table.stacked, table.stacked tbody, table.stacked tr, table.stacked td, table.stacked th[scope=row] { display: block; width: 100%; }
	table.stacked tr { border-bottom: 2px solid var(--line); padding: 6px 0; }
	table.stacked td, table.stacked th[scope=row] { border: 0; padding: 2px 0; }
	table.stacked td[data-label]::before { content: attr(data-label); color: var(--muted); margin-right: 6px; }
}
.meter { display: block; height: 6px; background: var(--line); border-radius: 3px; overflow: hidden; margin-top: 2px; max-width: 10em; }
.meter span { display: block; height: 100%; background: var(--red); }
.meter.met span { background: var(--ok); }`

export function StackedTableStyle() {
	return <style>{STACKED_TABLES}</style>
}

/** Every indicator's actual, the year's target and the share of it reached. */
export function IndicatorTable({ rows, caption }: { rows: TargetRow[]; caption?: string }) {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	return (
		<div className="table-wrap">
			<StackedTableStyle />
			<table className="stacked">
				<caption className="muted" style={{ textAlign: 'left', captionSide: 'top' }}>
					{caption ?? t('indicators.table.caption')}
				</caption>
				<thead>
					<tr>
						<th scope="col">{t('indicators.table.indicator')}</th>
						<th scope="col">{t('indicators.table.actual')}</th>
						<th scope="col">{t('indicators.table.target')}</th>
						<th scope="col">{t('indicators.table.achievement')}</th>
					</tr>
				</thead>
				<tbody>
					{rows.map((r) => {
						const met = r.achievement !== null && r.achievement >= 1000
						return (
							<tr key={r.indicator}>
								<th scope="row" style={{ fontWeight: 600, background: 'none' }}>
									{t(`indicators.name.${r.indicator}`)}
								</th>
								<td data-label={t('indicators.table.actual')} style={{ whiteSpace: 'nowrap' }}>
									{formatIndicatorValue(r.indicator, r.actual, lang)}
								</td>
								<td data-label={t('indicators.table.target')} style={{ whiteSpace: 'nowrap' }}>
									{r.target === null ? <span className="muted">{NONE}</span> : formatIndicatorValue(r.indicator, r.target, lang)}
								</td>
								<td data-label={t('indicators.table.achievement')}>
									{formatPermille(r.achievement, lang)}
									{met ? (
										<>
											{' '}
											<span className="tag verified">{t('indicators.table.met')}</span>
										</>
									) : null}
									{r.achievement !== null ? (
										<span className={met ? 'meter met' : 'meter'} aria-hidden="true">
											<span style={{ width: `${Math.min(100, r.achievement / 10)}%` }} />
										</span>
									) : null}
								</td>
							</tr>
						)
					})}
				</tbody>
			</table>
		</div>
	)
}

const RED = '#b71c1c'
const BLUE = '#0b57d0'

/** Verified funds (bars, yuan) and verified commitments (line) per month: chart and table. */
export function MonthlyTrend({ months, year, headingId = 'trend' }: { months: MonthFigure[]; year: number; headingId?: string }) {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	const option = useMemo<ChartOption>(
		() => ({
			tooltip: { trigger: 'axis' },
			legend: { top: 0 },
			grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
			xAxis: { type: 'category', data: months.map((m) => t('dashboard.trend.month', { month: m.month })) },
			yAxis: [
				{ type: 'value' },
				{ type: 'value', minInterval: 1, splitLine: { show: false } },
			],
			series: [
				{ type: 'bar', name: t('dashboard.trend.series_funds'), data: months.map((m) => m.verifiedFen / 100), itemStyle: { color: RED } },
				{ type: 'line', name: t('dashboard.trend.series_count'), yAxisIndex: 1, data: months.map((m) => m.verifiedCount), itemStyle: { color: BLUE } },
			],
		}),
		[months, t],
	)
	return (
		<section className="card" aria-labelledby={headingId}>
			<h2 id={headingId} style={{ marginTop: 0 }}>
				{t('dashboard.trend.title', { year })}
			</h2>
			<Chart option={option} />
			<div className="table-wrap">
				<table>
					<caption className="muted" style={{ textAlign: 'left', captionSide: 'top' }}>
						{t('dashboard.trend.table_caption')}
					</caption>
					<thead>
						<tr>
							<th scope="col">{t('dashboard.trend.col_month')}</th>
							<th scope="col">{t('dashboard.trend.col_funds')}</th>
							<th scope="col">{t('dashboard.trend.col_count')}</th>
						</tr>
					</thead>
					<tbody>
						{months.map((m) => (
							<tr key={m.month}>
								<th scope="row" style={{ background: 'none', fontWeight: 400 }}>
									{t('dashboard.trend.month', { month: m.month })}
								</th>
								<td style={{ whiteSpace: 'nowrap' }}>{formatYuan(m.verifiedFen, lang)}</td>
								<td>{m.verifiedCount.toLocaleString(locale(lang))}</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
		</section>
	)
}

/** Verified funds and commitments by category or by provider kind: chart and table. */
export function Breakdown({ rows, by, headingId }: { rows: BreakdownRow[]; by: 'category' | 'orgKind'; headingId: string }) {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	const label = useCallback((key: string) => t(by === 'category' ? `vocab.category.${key}` : `vocab.org_kind.${key}`), [t, by])
	const title = t(by === 'category' ? 'dashboard.breakdown.title_category' : 'dashboard.breakdown.title_kind')
	const option = useMemo<ChartOption>(() => {
		const shown = [...rows].reverse() // largest on top
		return {
			tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
			grid: { left: 8, right: 28, top: 8, bottom: 8, containLabel: true },
			xAxis: { type: 'value' },
			yAxis: { type: 'category', data: shown.map((r) => label(r.key)), axisLabel: { width: 110, overflow: 'truncate' } },
			series: [{ type: 'bar', name: t('dashboard.trend.series_funds'), data: shown.map((r) => r.verifiedFen / 100), itemStyle: { color: by === 'category' ? RED : BLUE } }],
		}
	}, [rows, by, t, label])
	return (
		<section className="card" aria-labelledby={headingId}>
			<h2 id={headingId} style={{ marginTop: 0 }}>
				{title}
			</h2>
			{rows.length ? (
				<>
					<Chart option={option} height={Math.max(160, 40 + rows.length * 32)} />
					<div className="table-wrap">
						<table>
							<thead>
								<tr>
									<th scope="col">{t(by === 'category' ? 'dashboard.breakdown.col_category' : 'dashboard.breakdown.col_kind')}</th>
									<th scope="col">{t('dashboard.breakdown.col_funds')}</th>
									<th scope="col">{t('dashboard.breakdown.col_count')}</th>
								</tr>
							</thead>
							<tbody>
								{rows.map((r) => (
									<tr key={r.key}>
										<th scope="row" style={{ background: 'none', fontWeight: 400 }}>
											{label(r.key)}
										</th>
										<td style={{ whiteSpace: 'nowrap' }}>{formatYuan(r.verifiedFen, lang)}</td>
										<td>{r.verifiedCount.toLocaleString(locale(lang))}</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				</>
			) : (
				<p className="muted">{t('dashboard.breakdown.empty')}</p>
			)}
		</section>
	)
}

/** The target form's fields; the model parses the value in the indicator's unit. */
export const TargetFormSchema = z.discriminatedUnion(
	'intent',
	[
		z.object({
			intent: z.literal('set-target'),
			indicator: z.enum(INDICATOR_CODES as [IndicatorCode, ...IndicatorCode[]], { error: 'indicators.errors.indicator' }),
			target: z.string({ error: 'indicators.errors.target_required' }).max(40, { error: 'indicators.errors.target_too_large' }),
			year: z.coerce.number({ error: 'indicators.errors.year' }).int({ error: 'indicators.errors.year' }),
		}),
		z.object({
			intent: z.literal('clear-target'),
			indicator: z.enum(INDICATOR_CODES as [IndicatorCode, ...IndicatorCode[]], { error: 'indicators.errors.indicator' }),
			year: z.coerce.number({ error: 'indicators.errors.year' }).int({ error: 'indicators.errors.year' }),
		}),
	],
	{ error: 'errors.invalid' },
)

export type TargetActionData = { result: SubmissionResult<string[]>; done?: 'set' | 'cleared' }

/** Set or clear one indicator's target for a year (posts to the page it is on). */
export function TargetForm({ year, lastResult, done, action }: { year: number; lastResult?: SubmissionResult<string[]>; done?: 'set' | 'cleared'; action?: string }) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const [form, fields] = useForm<{ indicator: string; target: string; year: string }>({ id: 'target-form', lastResult, defaultValue: { year: String(year) } })
	const unitHint = (code: IndicatorCode) => t(`indicators.unit.${INDICATOR_UNIT_OF[code]}`)
	return (
		<section className="card" aria-labelledby="target-form-title">
			<h2 id="target-form-title" style={{ marginTop: 0 }}>
				{t('dashboard.target.title')}
			</h2>
			<p className="muted">{t('dashboard.target.intro')}</p>
			{done ? (
				<p className="notice" role="status">
					{t(done === 'set' ? 'dashboard.target.saved' : 'dashboard.target.cleared')}
				</p>
			) : null}
			<Form method="post" action={action} {...getFormProps(form)}>
				{form.errors?.length ? (
					<div className="form-errors">
						<ErrorList id={form.errorId} errors={form.errors} />
					</div>
				) : null}
				<div className="row">
					<div className="field" style={{ flex: '2 1 220px' }}>
						<label htmlFor={fields.indicator.id}>{t('dashboard.target.indicator')}</label>
						<select {...getSelectProps(fields.indicator, { ariaAttributes: true })}>
							<option value="">{t('dashboard.target.choose')}</option>
							{INDICATOR_CODES.map((code) => (
								<option key={code} value={code}>
									{t('dashboard.target.option', { name: t(`indicators.name.${code}`), unit: unitHint(code) })}
								</option>
							))}
						</select>
						<ErrorList id={fields.indicator.errorId} errors={fields.indicator.errors} />
					</div>
					<div className="field" style={{ flex: '1 1 140px' }}>
						<label htmlFor={fields.target.id}>{t('dashboard.target.value')}</label>
						<input {...getInputProps(fields.target, { type: 'text', ariaAttributes: true })} inputMode="decimal" autoComplete="off" />
						<ErrorList id={fields.target.errorId} errors={fields.target.errors} />
					</div>
					<div className="field" style={{ flex: '0 1 110px' }}>
						<label htmlFor={fields.year.id}>{t('dashboard.target.year')}</label>
						<input {...getInputProps(fields.year, { type: 'number', ariaAttributes: true })} min={2021} max={2100} />
						<ErrorList id={fields.year.errorId} errors={fields.year.errors} />
					</div>
				</div>
				<div className="row" style={{ alignItems: 'center' }}>
					<button type="submit" name="intent" value="set-target" style={{ flex: '0 0 auto' }} disabled={navigation.state === 'submitting'}>
						{t('dashboard.target.save')}
					</button>
					<button type="submit" name="intent" value="clear-target" className="secondary" style={{ flex: '0 0 auto' }} disabled={navigation.state === 'submitting'}>
						{t('dashboard.target.clear')}
					</button>
				</div>
			</Form>
		</section>
	)
}

/** The period filter (a GET form, so it works without JavaScript). */
export function PeriodFilter({ year, quarter, years, hidden = {}, children }: { year: number; quarter: number | null; years: number[]; hidden?: Record<string, string>; children?: React.ReactNode }) {
	const { t } = useTranslation()
	return (
		<Form method="get" className="card" aria-label={t('dashboard.filters.legend')}>
			{Object.entries(hidden).map(([name, value]) => (
				<input key={name} type="hidden" name={name} value={value} />
			))}
			<div className="row">
				<div className="field" style={{ marginBottom: 0 }}>
					<label htmlFor="f-year">{t('dashboard.filters.year')}</label>
					<select id="f-year" name="year" defaultValue={String(year)}>
						{years.map((y) => (
							<option key={y} value={y}>
								{y}
							</option>
						))}
					</select>
				</div>
				<div className="field" style={{ marginBottom: 0 }}>
					<label htmlFor="f-quarter">{t('dashboard.filters.quarter')}</label>
					<select id="f-quarter" name="quarter" defaultValue={quarter ? String(quarter) : ''}>
						<option value="">{t('dashboard.filters.all_year')}</option>
						{[1, 2, 3, 4].map((q) => (
							<option key={q} value={q}>
								{t('dashboard.filters.quarter_n', { n: q })}
							</option>
						))}
					</select>
				</div>
				{children}
				<button type="submit" style={{ flex: '0 0 auto' }}>
					{t('dashboard.filters.apply')}
				</button>
			</div>
		</Form>
	)
}
