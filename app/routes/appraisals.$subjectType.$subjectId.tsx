// /appraisals/:subjectType/:subjectId?year=: 实绩考核 of a region or a provider org. The computed
// score with every figure behind it, the grade form, and every appraisal so far (newest first).
// Officials who supervise the subject only (the models check; anyone else gets the 403 page).
import { getFormProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList } from '#app/components/form.tsx'
import { StackedTableStyle, formatIndicatorValue, formatPermille } from '#app/components/indicators.tsx'
import { type ScoreLine, appraise, computeAppraisalScore, listAppraisals } from '#app/models/appraisal.server.ts'
import { ACCOUNTABILITY_DEDUCTION, APPRAISAL_GRADES, AppraisalSchema, COMMENT_MAX, OVERDUE_INTERVIEW_DEDUCTION, yearParam } from '#app/models/appraisal.schema.ts'
import type { IndicatorCode } from '#app/models/indicator.server.ts'
import { loadSubject } from '#app/models/subject.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { chinaYearOf } from '#app/utils/china-date.ts'
import { formatTime } from '#app/utils/format.ts'
import { replyWithError, throwAsResponse } from '#app/utils/http.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.subject.name ?? ''} · 实绩考核 · 帮扶 Bangfu` }]

function yearOf(request: Request) {
	return yearParam(new URL(request.url).searchParams.get('year'), chinaYearOf(Date.now()))
}

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const year = yearOf(request)
	try {
		const subject = await loadSubject(db, params.subjectType ?? '', params.subjectId ?? '')
		// listAppraisals checks supervision before anything is computed.
		const history = await listAppraisals(db, subject, actor)
		const score = await computeAppraisalScore(db, subject, year)
		return {
			subject: { type: subject.type, id: subject.id, name: subject.name },
			year,
			score,
			history,
			saved: new URL(request.url).searchParams.get('notice') === 'saved',
		}
	} catch (error) {
		throwAsResponse(error)
	}
}

export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const year = yearOf(request)
	const submission = parseWithZod(await request.formData(), { schema: AppraisalSchema })
	if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
	try {
		const subject = await loadSubject(db, params.subjectType ?? '', params.subjectId ?? '')
		await appraise(db, subject, year, submission.value, actor)
		return redirect(`/appraisals/${subject.type}/${subject.id}?year=${year}&notice=saved`)
	} catch (error) {
		return replyWithError(submission, error)
	}
}

const points = (n: number, lang: string) => n.toLocaleString(lang === 'en' ? 'en-US' : 'zh-CN', { minimumFractionDigits: 1, maximumFractionDigits: 1 })

function BreakdownTable({ lines, score, earned, deducted }: { lines: ScoreLine[]; score: number; earned: number; deducted: number }) {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	const value = (l: ScoreLine, v: number | null) => (l.kind === 'deduction' ? t('report.appraisal.count', { count: v ?? 0 }) : formatIndicatorValue(l.code as IndicatorCode, v, lang))
	const pct = (x: number | null) => (x === null ? '—' : formatPermille(Math.round(x * 1000), lang))
	return (
		<div className="table-wrap">
			<StackedTableStyle />
			<table className="stacked">
				<thead>
					<tr>
						<th scope="col">{t('report.appraisal.col_item')}</th>
						<th scope="col">{t('report.appraisal.col_actual')}</th>
						<th scope="col">{t('report.appraisal.col_target')}</th>
						<th scope="col">{t('report.appraisal.col_achievement')}</th>
						<th scope="col">{t('report.appraisal.col_weight')}</th>
						<th scope="col">{t('report.appraisal.col_points')}</th>
					</tr>
				</thead>
				<tbody>
					{lines.map((l) => (
						<tr key={l.code}>
							<th scope="row" style={{ background: 'none' }}>
								{l.kind === 'deduction' ? t(`report.deduction.${l.code}`) : t(`indicators.name.${l.code}`)}
							</th>
							<td data-label={t('report.appraisal.col_actual')}>{value(l, l.actual)}</td>
							<td data-label={t('report.appraisal.col_target')}>{l.target === null ? '—' : value(l, l.target)}</td>
							<td data-label={t('report.appraisal.col_achievement')}>{pct(l.achievement)}</td>
							<td data-label={t('report.appraisal.col_weight')}>{pct(l.weight)}</td>
							<td data-label={t('report.appraisal.col_points')} style={{ fontWeight: 600, color: l.points < 0 ? 'var(--red)' : undefined }}>
								{points(l.points, lang)}
							</td>
						</tr>
					))}
				</tbody>
				<tfoot>
					{deducted ? (
						<tr>
							<th scope="row" colSpan={5} style={{ background: 'none' }}>
								{t('report.appraisal.subtotal')}
							</th>
							<td data-label={t('report.appraisal.subtotal')}>{points(earned / 10, lang)}</td>
						</tr>
					) : null}
					<tr>
						<th scope="row" colSpan={5} style={{ background: 'none' }}>
							{t('report.appraisal.total')}
						</th>
						<td data-label={t('report.appraisal.total')} style={{ fontWeight: 700 }}>
							{points(score / 10, lang)}
						</td>
					</tr>
				</tfoot>
			</table>
			{deducted > earned ? <p className="muted">{t('report.appraisal.floored')}</p> : null}
		</div>
	)
}

export default function AppraisalPage() {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	const { subject, year, score, history, saved } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const [form, fields] = useForm({
		id: 'appraisal',
		lastResult: actionData?.result,
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
		onValidate: ({ formData }) => parseWithZod(formData, { schema: AppraisalSchema }),
	})
	const basis = score.basis === 'targets' ? 'basis_targets' : subject.type === 'region' ? 'basis_default_region' : 'basis_default_org'
	const base = `/${subject.type}/${subject.id}`

	return (
		<>
			<h1 style={{ overflowWrap: 'anywhere' }}>{t('report.appraisal.title', { name: subject.name, year })}</h1>
			<Form method="get" className="row" style={{ marginBottom: 12 }}>
				<div className="field" style={{ flex: '0 1 120px', marginBottom: 0 }}>
					<label htmlFor="year">{t('report.year')}</label>
					<input id="year" name="year" type="number" min={2021} max={2100} defaultValue={year} />
				</div>
				<button type="submit" className="secondary" style={{ flex: '0 0 auto' }}>
					{t('report.show')}
				</button>
				<Link to={`/reports${base}?year=${year}`} style={{ flex: '0 0 auto', alignSelf: 'center' }}>
					{t('report.appraisal.report_link')}
				</Link>
			</Form>
			{saved ? (
				<p className="notice" role="status">
					{t('report.appraisal.saved')}
				</p>
			) : null}

			<section className="card" aria-labelledby="h-score">
				<h2 id="h-score" style={{ marginTop: 0 }}>
					{t('report.appraisal.score_title')}: <span className="stat">{t('report.appraisal.score_value', { score: points(score.score / 10, lang) })}</span>
				</h2>
				<p className="muted">{t(`report.appraisal.${basis}`)}</p>
				<p className="muted">{t('report.appraisal.deduction_rule', { accountability: ACCOUNTABILITY_DEDUCTION, interview: OVERDUE_INTERVIEW_DEDUCTION })}</p>
				<BreakdownTable lines={score.lines} score={score.score} earned={score.earned} deducted={score.deducted} />
				<p className="muted">{t('report.appraisal.score_live')}</p>
			</section>

			<section className="card" aria-labelledby="h-grade">
				<h2 id="h-grade" style={{ marginTop: 0 }}>
					{t('report.appraisal.form_title')}
				</h2>
				<p className="muted">{t('report.appraisal.form_intro')}</p>
				<Form method="post" {...getFormProps(form)}>
					{form.errors?.length ? (
						<div className="form-errors">
							<ErrorList id={form.errorId} errors={form.errors} />
						</div>
					) : null}
					<div className="field">
						<label htmlFor={fields.grade.id}>{t('report.appraisal.grade_label')}</label>
						<select {...getSelectProps(fields.grade, { ariaAttributes: true })}>
							<option value="">{t('report.appraisal.choose_grade')}</option>
							{APPRAISAL_GRADES.map((g) => (
								<option key={g} value={g}>
									{t(`report.grade.${g}`)}
								</option>
							))}
						</select>
						<ErrorList id={fields.grade.errorId} errors={fields.grade.errors} />
					</div>
					<div className="field">
						<label htmlFor={fields.comment.id}>{t('report.appraisal.comment_label')}</label>
						<textarea {...getTextareaProps(fields.comment, { ariaAttributes: true })} rows={5} maxLength={COMMENT_MAX} />
						<small className="hint">{t('report.appraisal.comment_hint', { max: COMMENT_MAX })}</small>
						<ErrorList id={fields.comment.errorId} errors={fields.comment.errors} />
					</div>
					<button type="submit" disabled={navigation.state === 'submitting'}>
						{t('report.appraisal.submit')}
					</button>
				</Form>
			</section>

			<section className="card" aria-labelledby="h-history">
				<h2 id="h-history" style={{ marginTop: 0 }}>
					{t('report.appraisal.history_title')}
				</h2>
				{history.length ? (
					<ul className="plain">
						{history.map((a) => (
							<li key={a.id}>
								<strong>
									{a.year} · {t('report.appraisal.history_item', { grade: t(`report.grade.${a.grade}`), score: points(a.score / 10, lang) })}
								</strong>{' '}
								<span className="muted">
									{formatTime(a.createdAt, lang)} · {t('report.appraisal.by', { name: [a.appraiserName, a.appraiserOrgName].filter(Boolean).join(' · ') || '—' })}
								</span>
								<p style={{ margin: '4px 0', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{a.comment}</p>
								{a.breakdown ? (
									<details>
										<summary>{t('report.appraisal.show_breakdown')}</summary>
										<BreakdownTable lines={a.breakdown.lines} score={a.breakdown.score} earned={a.breakdown.earned} deducted={a.breakdown.deducted} />
									</details>
								) : null}
							</li>
						))}
					</ul>
				) : (
					<p className="muted">{t('report.appraisal.history_empty')}</p>
				)}
			</section>
		</>
	)
}
