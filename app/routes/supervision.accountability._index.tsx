// /supervision/accountability: 问责 records the official may see (their jurisdiction and above
// sees a record's region), filter by status and subject, and the form to record one.
// ?subjectType=&subjectId=&commitment= prefill the form (links from a subject or a commitment).
import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList, TextareaField } from '#app/components/form.tsx'
import { AccountabilityStatusTag, Pager, RESPONSIVE_TABLE, SubjectFields, SupervisionNav } from '#app/components/supervision.tsx'
import { createAccountabilityRecord, listAccountabilityRecords } from '#app/models/accountability.server.ts'
import { isOfficial } from '#app/models/policy.server.ts'
import { ACCOUNTABILITY_STATUSES, AccountabilitySchema, FAILURE_MAX, MAX_CITED_COMMITMENTS, MEASURES_MAX, SUBJECT_TYPE_VALUES } from '#app/models/supervision.schema.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { ID_PATTERN } from '#app/utils/id.ts'
import { forbidden, replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: '问责 · 督查 · 帮扶 Bangfu' }]

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
		status: (ACCOUNTABILITY_STATUSES as readonly string[]).includes(status) ? status : '',
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
	return s ? `/supervision/accountability?${s}` : '/supervision/accountability'
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireOfficial(request)
	const url = new URL(request.url)
	const f = filtersOf(url)
	const list = await listAccountabilityRecords(
		db,
		actor,
		{ status: (f.status || undefined) as never, subjectType: (f.subjectType || undefined) as never, subjectId: f.subjectId || undefined },
		{ page: f.page },
	)
	const cited = url.searchParams.getAll('commitment').filter((c) => ID_PATTERN.test(c)).slice(0, MAX_CITED_COMMITMENTS)
	return {
		filters: { ...f, page: list.page },
		rows: list.rows.map((r) => ({
			id: r.id,
			subjectType: r.subjectType,
			subjectName: r.subjectName,
			failure: r.failure,
			status: r.status,
			createdAt: r.createdAt,
			recorderOrgName: r.recorderOrgName,
		})),
		total: list.total,
		pages: list.pages,
		cited: cited.join('\n'),
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireOfficial(request)
	const formData = await request.formData()
	const submission = parseWithZod(formData, { schema: AccountabilitySchema })
	if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
	try {
		// The model checks the subject, the official's jurisdiction and every cited commitment.
		const { id } = await createAccountabilityRecord(db, submission.payload, actor)
		return redirect(`/supervision/accountability/${id}?notice=created`)
	} catch (error) {
		return replyWithError(submission, error)
	}
}

export default function AccountabilityPage() {
	const { t } = useTranslation()
	const { filters, rows, total, pages, cited } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const [form, fields] = useForm({
		id: 'new-accountability',
		lastResult: actionData?.result,
		defaultValue: { subjectType: filters.subjectType || 'org', subjectId: filters.subjectId, commitmentIds: cited },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: AccountabilitySchema }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	return (
		<>
			<SupervisionNav />
			<h1>{t('supervision.accountability.title')}</h1>
			<p className="muted">{t('supervision.accountability.intro')}</p>

			<Form method="get" className="card row" style={{ alignItems: 'flex-end' }} aria-label={t('common.filter')}>
				<div className="field">
					<label htmlFor="f-status">{t('common.status')}</label>
					<select id="f-status" name="status" defaultValue={filters.status}>
						<option value="">{t('common.all')}</option>
						{ACCOUNTABILITY_STATUSES.map((s) => (
							<option key={s} value={s}>
								{t(`supervision.accountability_status.${s}`)}
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

			<p role="status">{t('supervision.accountability.count', { count: total })}</p>
			<style>{RESPONSIVE_TABLE}</style>
			{rows.length ? (
				<div className="table-wrap card" style={{ padding: 0 }}>
					<table className="stack">
						<thead>
							<tr>
								<th scope="col">{t('supervision.columns.subject')}</th>
								<th scope="col">{t('supervision.columns.failure')}</th>
								<th scope="col">{t('supervision.columns.recorded_on')}</th>
								<th scope="col">{t('common.status')}</th>
							</tr>
						</thead>
						<tbody>
							{rows.map((r) => (
								<tr key={r.id}>
									<td>
										<Link to={`/supervision/accountability/${r.id}`}>
											<strong>{r.subjectName}</strong>
										</Link>
										<div className="muted">{t(`supervision.subject_type.${r.subjectType}`)}</div>
									</td>
									<td data-label={t('supervision.columns.failure')} style={{ overflowWrap: 'anywhere' }}>
										{r.failure.length > 80 ? `${r.failure.slice(0, 79)}…` : r.failure}
									</td>
									<td data-label={t('supervision.columns.recorded_on')}>
										{formatChinaDate(r.createdAt)}
										{r.recorderOrgName ? <div className="muted">{r.recorderOrgName}</div> : null}
									</td>
									<td data-label={t('common.status')}>
										<AccountabilityStatusTag status={r.status} />
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : (
				<p className="card">{t('supervision.accountability.empty')}</p>
			)}
			<Pager page={filters.page} pages={pages} total={total} href={(page) => hrefOf(filters, page)} label={t('supervision.pagination')} />

			<h2 id="new">{t('supervision.accountability.new')}</h2>
			<Form method="post" {...getFormProps(form)} className="card" aria-labelledby="new">
				<ErrorList id={form.errorId} errors={form.errors} />
				<SubjectFields type={fields.subjectType} id={fields.subjectId} />
				<TextareaField meta={fields.failure} label={t('supervision.form.failure', { max: FAILURE_MAX })} rows={4} />
				<TextareaField meta={fields.measures} label={t('supervision.form.measures', { max: MEASURES_MAX })} rows={3} />
				<TextareaField meta={fields.commitmentIds as never} label={t('supervision.form.commitment_ids', { max: MAX_CITED_COMMITMENTS })} rows={2} />
				<button type="submit" disabled={navigation.state === 'submitting'}>
					{t('supervision.accountability.submit')}
				</button>
			</Form>
		</>
	)
}
