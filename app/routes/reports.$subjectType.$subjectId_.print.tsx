// /reports/:subjectType/:subjectId/print?year=: the annual work report as a print-ready A4 page,
// always in Chinese (it is filed as an official document whatever the UI language): title, 一、主要
// 指标完成情况, 二、典型案例, 三、存在问题, 四、下一步工作 and the latest appraisal grade. The site
// header, footer and the page's own buttons are hidden when printed. Officials who supervise the
// subject only (the model checks).
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatIndicatorValue, formatPermille } from '#app/components/indicators.tsx'
import { yearParam } from '#app/models/appraisal.schema.ts'
import { loadSubject } from '#app/models/subject.server.ts'
import { getWorkReport } from '#app/models/work-report.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { chinaYearOf, formatChinaDate } from '#app/utils/china-date.ts'
import { throwAsResponse } from '#app/utils/http.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.report.subject.name} ${data.report.year} 年度乡村振兴帮扶工作报告` : '年度工作报告 · 帮扶 Bangfu' }]

const LANG = 'zh-CN'

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const now = Date.now()
	const year = yearParam(new URL(request.url).searchParams.get('year'), chinaYearOf(now))
	try {
		const subject = await loadSubject(db, params.subjectType ?? '', params.subjectId ?? '')
		const report = await getWorkReport(db, subject, year, actor, { now, language: LANG })
		return { report, generatedOn: formatChinaDate(now) }
	} catch (error) {
		throwAsResponse(error)
	}
}

// NOTE: set with dangerouslySetInnerHTML (a constant): React would escape the quotes of the font
// names as text. The print rules drop the site's chrome (root.tsx Layout) and this page's buttons.
const PRINT_CSS = `
.report-print { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Songti SC", serif; color: #000; background: #fff; max-width: 170mm; margin: 0 auto; padding: 16px; line-height: 1.8; }
.report-print h1 { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 1.5rem; text-align: center; margin: 8px 0 24px; overflow-wrap: anywhere; }
.report-print h2 { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 1.15rem; margin: 20px 0 8px; }
.report-print table { width: 100%; border-collapse: collapse; font-size: .95rem; }
.report-print th, .report-print td { border: 1px solid #000; padding: 4px 6px; text-align: left; }
.report-print td.num { text-align: right; white-space: nowrap; }
.report-print th { background: #f2f2f2; }
.report-print p.body { white-space: pre-wrap; text-indent: 2em; overflow-wrap: anywhere; margin: 0 0 8px; }
.report-print ol { padding-left: 1.6em; }
.report-print li { margin-bottom: 6px; overflow-wrap: anywhere; }
.report-print .foot { margin-top: 24px; font-size: .85rem; color: #444; }
.report-print .table-wrap { overflow-x: auto; }
.print-actions { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; max-width: 170mm; margin: 0 auto 8px; }
@page { size: A4; margin: 20mm; }
@media print {
	header.site, footer.site, .skip, .demo-banner, .print-actions { display: none !important; }
	body { background: #fff; }
	main { max-width: none; margin: 0; padding: 0; }
	.report-print { max-width: none; padding: 0; font-size: 12pt; }
	.report-print .table-wrap { overflow: visible; }
	.report-print tr, .report-print li { break-inside: avoid; }
	.report-print h2 { break-after: avoid; }
}`

export default function ReportPrintPage() {
	const { i18n } = useTranslation()
	const t = i18n.getFixedT(LANG)
	const { report: r, generatedOn } = useLoaderData<typeof loader>()
	const back = `/reports/${r.subject.type}/${r.subject.id}?year=${r.year}`
	return (
		<>
			<style dangerouslySetInnerHTML={{ __html: PRINT_CSS }} />
			<div className="print-actions">
				<button type="button" onClick={() => window.print()}>
					{t('report.print.button')}
				</button>
				<Link to={back}>{t('report.print.back')}</Link>
			</div>
			<article className="report-print" lang={LANG}>
				<h1>{t('report.print.title', { name: r.subject.name, year: r.year })}</h1>

				<h2>{t('report.print.section_indicators')}</h2>
				<div className="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">{t('report.print.col_no')}</th>
								<th scope="col">{t('report.print.col_indicator')}</th>
								<th scope="col">{t('report.print.col_actual')}</th>
								<th scope="col">{t('report.print.col_target')}</th>
								<th scope="col">{t('report.print.col_achievement')}</th>
							</tr>
						</thead>
						<tbody>
							{r.indicators.map((row, i) => (
								<tr key={row.indicator}>
									<td className="num">{i + 1}</td>
									<td>{t(`indicators.name.${row.indicator}`)}</td>
									<td className="num">{formatIndicatorValue(row.indicator, row.actual, LANG)}</td>
									<td className="num">{formatIndicatorValue(row.indicator, row.target, LANG)}</td>
									<td className="num">{formatPermille(row.achievement, LANG)}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>

				<h2>{t('report.print.section_cases')}</h2>
				{r.cases.length ? (
					<ol>
						{r.cases.map((c) => (
							<li key={c.commitmentId}>
								{t('report.print.case_line', { village: c.villageName, title: c.needTitle, provider: c.providerName, amount: c.amountText, date: c.verifiedOn })}
								{c.note ? <div style={{ whiteSpace: 'pre-wrap' }}>{c.note}</div> : null}
							</li>
						))}
					</ol>
				) : (
					<p className="body">{t('report.print.no_cases')}</p>
				)}

				<h2>{t('report.print.section_problems')}</h2>
				<p className="body">{r.report?.problems || t('report.print.not_written')}</p>

				<h2>{t('report.print.section_next')}</h2>
				<p className="body">{r.report?.nextSteps || t('report.print.not_written')}</p>

				<p style={{ marginTop: 20, fontWeight: 600 }}>
					{r.appraisal
						? t('report.print.appraisal', { grade: t(`report.grade.${r.appraisal.grade}`), score: (r.appraisal.score / 10).toFixed(1), date: formatChinaDate(r.appraisal.createdAt) })
						: t('report.print.no_appraisal')}
				</p>
				<p className="foot">{t('report.print.generated', { date: generatedOn })}</p>
			</article>
		</>
	)
}
