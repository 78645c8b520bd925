// /reports/:subjectType/:subjectId?year=: the annual 工作报告 of a region or a provider org. The
// year's indicators against targets, and the form: problems, next steps, and typical cases picked
// from the commitments verified that year in scope (tick, order number, note). Links to the print
// version and the Excel export. Officials who supervise the subject only (the models check).
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList } from '#app/components/form.tsx'
import { IndicatorTable } from '#app/components/indicators.tsx'
import { CASE_NOTE_MAX, MAX_CASES, NEXT_STEPS_MAX, PROBLEMS_MAX, yearParam } from '#app/models/appraisal.schema.ts'
import { loadSubject } from '#app/models/subject.server.ts'
import { getWorkReport, listCaseCandidates, saveWorkReport } from '#app/models/work-report.server.ts'
import { i18next } from '#app/i18next.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { chinaYearOf } from '#app/utils/china-date.ts'
import { AppError, STATUS_BY_CODE } from '#app/utils/errors.ts'
import { formatTime } from '#app/utils/format.ts'
import { throwAsResponse } from '#app/utils/http.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.report.subject.name ?? ''} · 年度工作报告 · 帮扶 Bangfu` }]

function yearOf(request: Request) {
	return yearParam(new URL(request.url).searchParams.get('year'), chinaYearOf(Date.now()))
}

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const year = yearOf(request)
	const language = await i18next.getLocale(request)
	try {
		const subject = await loadSubject(db, params.subjectType ?? '', params.subjectId ?? '')
		const report = await getWorkReport(db, subject, year, actor, { language })
		const candidates = await listCaseCandidates(db, subject, year, actor, { language })
		// The picked cases first, in their order; then the other candidates, newest first.
		const picked = new Set(report.cases.map((c) => c.commitmentId))
		const options = [...report.cases.map((c, i) => ({ ...c, order: i + 1, picked: true })), ...candidates.filter((c) => !picked.has(c.commitmentId)).map((c) => ({ ...c, order: null, picked: false }))]
		return { report, options, saved: new URL(request.url).searchParams.get('notice') === 'saved' }
	} catch (error) {
		throwAsResponse(error)
	}
}

type ActionData = { errors: Record<string, string>; values: { problems: string; nextSteps: string; cases: Array<{ commitmentId: string; note: string }> } }

/**
 * The form's cases: ticked `case` boxes, sorted by their `order.<id>` number (blank last, then in
 * page order), each with its `note.<id>`.
 */
function casesFrom(form: FormData) {
	const ids = form.getAll('case').map(String)
	return ids
		.map((id, i) => {
			const raw = String(form.get(`order.${id}`) ?? '').trim()
			const order = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.POSITIVE_INFINITY
			return { commitmentId: id, note: String(form.get(`note.${id}`) ?? ''), order, i }
		})
		.sort((a, b) => a.order - b.order || a.i - b.i)
		.map(({ commitmentId, note }) => ({ commitmentId, note }))
}

export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const year = yearOf(request)
	const form = await request.formData()
	const values = { problems: String(form.get('problems') ?? ''), nextSteps: String(form.get('nextSteps') ?? ''), cases: casesFrom(form) }
	try {
		const subject = await loadSubject(db, params.subjectType ?? '', params.subjectId ?? '')
		await saveWorkReport(db, subject, year, values, actor)
		return redirect(`/reports/${subject.type}/${subject.id}?year=${year}&notice=saved`)
	} catch (error) {
		if (!(error instanceof AppError)) throw error
		// Case errors name their position (cases.<i>.…): give them back keyed by commitment id.
		const errors: Record<string, string> = {}
		for (const [field, message] of Object.entries(error.fields)) {
			const m = /^cases\.(\d+)\./.exec(field)
			const id = m ? values.cases[Number(m[1])]?.commitmentId : undefined
			errors[id ? `case.${id}` : field] = message
		}
		if (!Object.keys(errors).length) errors.form = error.message
		return data<ActionData>({ errors, values }, { status: STATUS_BY_CODE[error.code] })
	}
}

export default function ReportPage() {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	const { report: r, options, saved } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>() as ActionData | undefined
	const navigation = useNavigation()
	const errors = actionData?.errors ?? {}
	const posted = actionData?.values
	const postedCase = (id: string) => posted?.cases.findIndex((c) => c.commitmentId === id) ?? -1
	const base = `/reports/${r.subject.type}/${r.subject.id}`
	const query = `?year=${r.year}`
	const err = (key: string) => (errors[key] ? [errors[key]] : undefined)
	const shown = new Set(options.map((c) => `case.${c.commitmentId}`))
	// Errors with no field on the page (the form's own, the case count, a case no longer listed).
	const topErrors = Object.entries(errors)
		.filter(([key]) => key === 'form' || key === 'cases' || (key.startsWith('case.') && !shown.has(key)))
		.map(([, message]) => message)

	return (
		<>
			<h1 style={{ overflowWrap: 'anywhere' }}>{t('report.page.title', { name: r.subject.name, year: r.year })}</h1>
			<Form method="get" className="row" style={{ marginBottom: 12 }}>
				<div className="field" style={{ flex: '0 1 120px', marginBottom: 0 }}>
					<label htmlFor="year">{t('report.year')}</label>
					<input id="year" name="year" type="number" min={2021} max={2100} defaultValue={r.year} />
				</div>
				<button type="submit" className="secondary" style={{ flex: '0 0 auto' }}>
					{t('report.show')}
				</button>
			</Form>
			<p className="row" style={{ alignItems: 'center' }}>
				<Link className="button secondary" style={{ flex: '0 0 auto' }} to={`${base}/print${query}`}>
					{t('report.page.print')}
				</Link>
				<a className="button secondary" style={{ flex: '0 0 auto' }} href={`${base}/export${query}&format=xlsx`} download>
					{t('report.page.export')}
				</a>
				<Link style={{ flex: '0 0 auto' }} to={`/appraisals/${r.subject.type}/${r.subject.id}${query}`}>
					{t('report.page.appraisal_link')}
				</Link>
			</p>
			{saved ? (
				<p className="notice" role="status">
					{t('report.page.saved')}
				</p>
			) : null}
			<p className="muted">
				{r.report ? t('report.page.updated', { name: r.report.authorName ?? '—', time: formatTime(r.report.updatedAt, lang) }) : t('report.page.not_written')}
				{r.appraisal ? ` · ${t('report.print.appraisal', { grade: t(`report.grade.${r.appraisal.grade}`), score: (r.appraisal.score / 10).toFixed(1), date: formatTime(r.appraisal.createdAt, lang) })}` : ''}
			</p>

			<section className="card" aria-labelledby="h-indicators">
				<h2 id="h-indicators" style={{ marginTop: 0 }}>
					{t('report.page.indicators_title')}
				</h2>
				<IndicatorTable rows={r.indicators} />
			</section>

			<Form method="post" className="card" aria-labelledby="h-form">
				<h2 id="h-form" style={{ marginTop: 0 }}>
					{t('report.page.form_title')}
				</h2>
				{topErrors.length ? (
					<div className="form-errors">
						<ErrorList errors={topErrors} />
					</div>
				) : null}
				<div className="field">
					<label htmlFor="problems">{t('report.page.problems')}</label>
					<textarea id="problems" name="problems" rows={6} required maxLength={PROBLEMS_MAX} defaultValue={posted?.problems ?? r.report?.problems ?? ''} aria-invalid={errors.problems ? true : undefined} aria-describedby={errors.problems ? 'problems-error' : undefined} />
					<small className="hint">{t('report.page.text_hint', { max: PROBLEMS_MAX })}</small>
					<ErrorList id="problems-error" errors={err('problems')} />
				</div>
				<div className="field">
					<label htmlFor="nextSteps">{t('report.page.next_steps')}</label>
					<textarea id="nextSteps" name="nextSteps" rows={6} required maxLength={NEXT_STEPS_MAX} defaultValue={posted?.nextSteps ?? r.report?.nextSteps ?? ''} aria-invalid={errors.nextSteps ? true : undefined} aria-describedby={errors.nextSteps ? 'nextSteps-error' : undefined} />
					<small className="hint">{t('report.page.text_hint', { max: NEXT_STEPS_MAX })}</small>
					<ErrorList id="nextSteps-error" errors={err('nextSteps')} />
				</div>

				<fieldset style={{ border: 0, padding: 0, margin: '0 0 12px', minWidth: 0 }}>
					<legend style={{ fontWeight: 600 }}>{t('report.page.cases_title')}</legend>
					<p className="muted">{t('report.page.cases_intro', { max: MAX_CASES })}</p>
					{options.length ? (
						<ul className="plain">
							{options.map((c) => {
								const i = postedCase(c.commitmentId)
								const checked = posted ? i >= 0 : c.picked
								const note = posted && i >= 0 ? posted.cases[i].note : c.note
								const caseError = errors[`case.${c.commitmentId}`]
								return (
									<li key={c.commitmentId} style={{ padding: '8px 0' }}>
										<label style={{ display: 'flex', gap: 8, alignItems: 'flex-start', overflowWrap: 'anywhere' }}>
											<input type="checkbox" name="case" value={c.commitmentId} defaultChecked={checked} aria-label={t('report.page.case_pick')} style={{ marginTop: 4 }} />
											<span>
												<Link to={`/commitments/${c.commitmentId}`}>{c.needTitle}</Link>
												<br />
												<small className="muted">{t('report.page.case_summary', { village: c.villageName, provider: c.providerName, amount: c.amountText, date: c.verifiedOn })}</small>
											</span>
										</label>
										<div className="row" style={{ marginTop: 4 }}>
											<div className="field" style={{ flex: '0 1 80px', marginBottom: 0 }}>
												<label htmlFor={`order-${c.commitmentId}`}>{t('report.page.case_order')}</label>
												<input id={`order-${c.commitmentId}`} name={`order.${c.commitmentId}`} type="number" min={1} max={99} defaultValue={posted ? (i >= 0 ? i + 1 : '') : (c.order ?? '')} />
											</div>
											<div className="field" style={{ flex: '1 1 200px', marginBottom: 0 }}>
												<label htmlFor={`note-${c.commitmentId}`}>{t('report.page.case_note')}</label>
												<input id={`note-${c.commitmentId}`} name={`note.${c.commitmentId}`} type="text" maxLength={CASE_NOTE_MAX} defaultValue={note} />
											</div>
										</div>
										<ErrorList errors={caseError ? [caseError] : undefined} />
									</li>
								)
							})}
						</ul>
					) : (
						<p className="muted">{t('report.page.cases_empty')}</p>
					)}
				</fieldset>
				<button type="submit" disabled={navigation.state === 'submitting'}>
					{t('report.page.save')}
				</button>
			</Form>
		</>
	)
}
