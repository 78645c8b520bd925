// /supervision/interviews: 约谈 interviews in the official's jurisdiction (filter by status and
// subject through GET params) and the form to record a new one. ?subjectType=&subjectId= prefill
// the form (links from a region's or an org's page).
import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList, Field, TextareaField } from '#app/components/form.tsx'
import { InterviewStatusTag, Pager, RESPONSIVE_TABLE, SubjectFields, SupervisionNav } from '#app/components/supervision.tsx'
import { createInterview, listInterviews } from '#app/models/interview.server.ts'
import { isOfficial } from '#app/models/policy.server.ts'
import { ATTENDEES_MAX, INTERVIEW_STATUSES, ISSUES_MAX, RECTIFICATION_MAX, SUBJECT_TYPE_VALUES, interviewSchema } from '#app/models/supervision.schema.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { forbidden, replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: '约谈 · 督查 · 帮扶 Bangfu' }]

async function requireOfficial(request: Request) {
	const context = await requireActor(request)
	if (!isOfficial(context.actor)) forbidden()
	return context
}

type Filters = { status: string; subjectType: string; subjectId: string; page: number }

function filtersOf(url: URL): Filters {
	const status = url.searchParams.get('status') ?? ''
	const subjectType = url.searchParams.get('subjectType') ?? ''
	return {
		status: (INTERVIEW_STATUSES as readonly string[]).includes(status) ? status : '',
		subjectType: (SUBJECT_TYPE_VALUES as readonly string[]).includes(subjectType) ? subjectType : '',
		subjectId: (url.searchParams.get('subjectId') ?? '').trim().slice(0, 26),
		page: Math.max(Math.floor(Number(url.searchParams.get('page'))) || 1, 1),
	}
}

function hrefOf(f: Filters, page = f.page) {
	const params = new URLSearchParams()
	if (f.status) params.set('status', f.status)
	if (f.subjectType) params.set('subjectType', f.subjectType)
	if (f.subjectId) params.set('subjectId', f.subjectId)
	if (page > 1) params.set('page', String(page))
	const s = params.toString()
	return s ? `/supervision/interviews?${s}` : '/supervision/interviews'
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireOfficial(request)
	const f = filtersOf(new URL(request.url))
	const list = await listInterviews(
		db,
		actor,
		{ status: (f.status || undefined) as never, subjectType: (f.subjectType || undefined) as never, subjectId: f.subjectId || undefined },
		{ page: f.page },
	)
	return {
		filters: { ...f, page: list.page },
		rows: list.rows.map((r) => ({
			id: r.id,
			subjectType: r.subjectType,
			subjectId: r.subjectId,
			subjectName: r.subjectName,
			heldAt: r.heldAt,
			issues: r.issues,
			deadline: r.deadline,
			status: r.status,
			interviewerOrgName: r.interviewerOrgName,
			interviewerName: r.interviewerName,
		})),
		total: list.total,
		pages: list.pages,
		today: formatChinaDate(Date.now()),
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireOfficial(request)
	const formData = await request.formData()
	const submission = parseWithZod(formData, { schema: interviewSchema() })
	if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
	try {
		// The model checks the input again, the subject, and the official's jurisdiction over it.
		const { id } = await createInterview(db, submission.payload, actor)
		return redirect(`/supervision/interviews/${id}?notice=created`)
	} catch (error) {
		return replyWithError(submission, error)
	}
}

export default function InterviewsPage() {
	const { t } = useTranslation()
	const { filters, rows, total, pages, today } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const [form, fields] = useForm({
		id: 'new-interview',
		lastResult: actionData?.result,
		defaultValue: { subjectType: filters.subjectType || 'region', subjectId: filters.subjectId, heldOn: today },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: interviewSchema() }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	return (
		<>
			<SupervisionNav />
			<h1>{t('supervision.interviews.title')}</h1>
			<p className="muted">{t('supervision.interviews.intro')}</p>

			<Form method="get" className="card row" style={{ alignItems: 'flex-end' }} aria-label={t('common.filter')}>
				<div className="field">
					<label htmlFor="f-status">{t('common.status')}</label>
					<select id="f-status" name="status" defaultValue={filters.status}>
						<option value="">{t('common.all')}</option>
						{INTERVIEW_STATUSES.map((s) => (
							<option key={s} value={s}>
								{t(`supervision.interview_status.${s}`)}
							</option>
						))}
					</select>
				</div>
				<div className="field">
					<label htmlFor="f-subject-type">{t('supervision.form.subject_type')}</label>
					<select id="f-subject-type" name="subjectType" defaultValue={filters.subjectType}>
						<option value="">{t('common.all')}</option>
						{SUBJECT_TYPE_VALUES.map((s) => (
							<option key={s} value={s}>
								{t(`supervision.subject_type.${s}`)}
							</option>
						))}
					</select>
				</div>
				<div className="field">
					<label htmlFor="f-subject-id">{t('supervision.form.subject_id')}</label>
					<input id="f-subject-id" name="subjectId" defaultValue={filters.subjectId} maxLength={26} />
				</div>
				<div className="field">
					<button type="submit">{t('common.filter')}</button>
				</div>
			</Form>

			<p role="status">{t('supervision.interviews.count', { count: total })}</p>
			<style>{RESPONSIVE_TABLE}</style>
			{rows.length ? (
				<div className="table-wrap card" style={{ padding: 0 }}>
					<table className="stack">
						<thead>
							<tr>
								<th scope="col">{t('supervision.columns.subject')}</th>
								<th scope="col">{t('supervision.columns.held_on')}</th>
								<th scope="col">{t('supervision.columns.issues')}</th>
								<th scope="col">{t('supervision.columns.deadline')}</th>
								<th scope="col">{t('common.status')}</th>
							</tr>
						</thead>
						<tbody>
							{rows.map((r) => (
								<tr key={r.id}>
									<td>
										<Link to={`/supervision/interviews/${r.id}`}>
											<strong>{r.subjectName}</strong>
										</Link>
										<div className="muted">{t(`supervision.subject_type.${r.subjectType}`)}</div>
									</td>
									<td data-label={t('supervision.columns.held_on')}>{formatChinaDate(r.heldAt)}</td>
									<td data-label={t('supervision.columns.issues')} style={{ overflowWrap: 'anywhere' }}>
										{r.issues.length > 80 ? `${r.issues.slice(0, 79)}…` : r.issues}
									</td>
									<td data-label={t('supervision.columns.deadline')}>{formatChinaDate(r.deadline)}</td>
									<td data-label={t('common.status')}>
										<InterviewStatusTag status={r.status} />
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : (
				<p className="card">{t('supervision.interviews.empty')}</p>
			)}
			<Pager page={filters.page} pages={pages} total={total} href={(page) => hrefOf(filters, page)} label={t('supervision.pagination')} />

			<h2 id="new">{t('supervision.interviews.new')}</h2>
			<Form method="post" {...getFormProps(form)} className="card" aria-labelledby="new">
				<ErrorList id={form.errorId} errors={form.errors} />
				<SubjectFields type={fields.subjectType} id={fields.subjectId} />
				<div className="row">
					<Field meta={fields.heldOn} label={t('supervision.form.held_on')} type="date" max={today} />
					<Field meta={fields.deadline} label={t('supervision.form.deadline')} type="date" min={today} />
				</div>
				<TextareaField meta={fields.attendees} label={t('supervision.form.attendees', { max: ATTENDEES_MAX })} rows={2} />
				<TextareaField meta={fields.issues} label={t('supervision.form.issues', { max: ISSUES_MAX })} rows={4} />
				<TextareaField meta={fields.rectification} label={t('supervision.form.rectification', { max: RECTIFICATION_MAX })} rows={4} />
				<button type="submit" disabled={navigation.state === 'submitting'}>
					{t('supervision.interviews.submit')}
				</button>
			</Form>
		</>
	)
}
