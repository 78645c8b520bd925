// /supervision/accountability/:recordId: one 问责 record with the commitments it cites, and (for
// an official whose jurisdiction covers it, while open) the form to close it with a note. Members
// of the subject org may read records about their org; anyone else gets the 403 page, an official
// who may not see it a 404.
import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList, TextareaField } from '#app/components/form.tsx'
import { AccountabilityStatusTag, SupervisionNav } from '#app/components/supervision.tsx'
import { closeAccountabilityRecord, getAccountabilityRecord } from '#app/models/accountability.server.ts'
import { isOfficial } from '#app/models/policy.server.ts'
import { subjectHref } from '#app/models/subject.server.ts'
import { CloseAccountabilitySchema, NOTE_MAX } from '#app/models/supervision.schema.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { formatMeasure, formatTime } from '#app/utils/format.ts'
import { forbidden, notFound, replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.record.subjectName ?? ''} · 问责 · 帮扶 Bangfu` }]

const NOTICES = ['created', 'closed'] as const

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const record = await getAccountabilityRecord(db, params.recordId ?? '', actor)
	if (!record) {
		if (!isOfficial(actor)) forbidden()
		notFound('supervision.errors.record_not_found')
	}
	const notice = new URL(request.url).searchParams.get('notice')
	return {
		record: { ...record, subjectHref: subjectHref({ type: record.subjectType, id: record.subjectId }) },
		official: isOfficial(actor),
		notice: (NOTICES as readonly string[]).includes(notice ?? '') ? `supervision.accountability.notice_${notice}` : null,
	}
}

export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	if (!isOfficial(actor)) forbidden()
	const id = params.recordId ?? ''
	const submission = parseWithZod(await request.formData(), { schema: CloseAccountabilitySchema })
	if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
	try {
		await closeAccountabilityRecord(db, id, submission.value, actor)
		return redirect(`/supervision/accountability/${id}?notice=closed`)
	} catch (error) {
		return replyWithError(submission, error)
	}
}

export default function AccountabilityRecordPage() {
	const { t, i18n } = useTranslation()
	const { record: r, official, notice } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const [form, fields] = useForm({
		id: 'close-accountability',
		lastResult: actionData?.result,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: CloseAccountabilitySchema }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	return (
		<>
			{official ? <SupervisionNav /> : null}
			<p className="crumbs">{official ? <Link to="/supervision/accountability">{t('supervision.accountability.back')}</Link> : null}</p>
			<h1>
				{t('supervision.accountability.detail_title', { subject: r.subjectName })} <AccountabilityStatusTag status={r.status} />
			</h1>
			{notice ? (
				<p className="notice" role="status">
					{t(notice)}
				</p>
			) : null}
			<dl className="card">
				<dt>{t('supervision.columns.subject')}</dt>
				<dd>
					<Link to={r.subjectHref}>{r.subjectName}</Link> <span className="muted">({t(`supervision.subject_type.${r.subjectType}`)})</span>
				</dd>
				<dt>{t('supervision.columns.recorded_on')}</dt>
				<dd>
					{formatTime(r.createdAt, i18n.language)} · {[r.recorderOrgName, r.recorderName].filter(Boolean).join(' · ')}
				</dd>
				<dt>{t('supervision.columns.failure')}</dt>
				<dd style={{ whiteSpace: 'pre-wrap' }}>{r.failure}</dd>
				<dt>{t('supervision.columns.measures')}</dt>
				<dd style={{ whiteSpace: 'pre-wrap' }}>{r.measures}</dd>
				{r.status === 'closed' ? (
					<>
						<dt>{t('supervision.columns.close_note')}</dt>
						<dd style={{ whiteSpace: 'pre-wrap' }}>
							{r.closeNote}
							<div className="muted">
								{r.closedAt ? formatTime(r.closedAt, i18n.language) : ''} {r.closerName ?? ''}
							</div>
						</dd>
					</>
				) : null}
			</dl>

			<h2>{t('supervision.accountability.cited')}</h2>
			{r.commitments.length ? (
				<ul className="plain card">
					{r.commitments.map((c) => (
						<li key={c.id}>
							<Link to={`/commitments/${c.id}`}>{c.needTitle}</Link> · {c.providerName} · {c.villageName} · {formatMeasure(c.measure, c.amount, c.unit, i18n.language)} ·{' '}
							{t('supervision.columns.due_date')} {formatChinaDate(c.dueAt)} · {t(`commitment.status.${c.status}`)}
						</li>
					))}
				</ul>
			) : (
				<p className="card">{t('supervision.accountability.none_cited')}</p>
			)}

			{r.canClose ? (
				<>
					<h2 id="close-title">{t('supervision.accountability.close')}</h2>
					<Form method="post" {...getFormProps(form)} className="card" aria-labelledby="close-title">
						<ErrorList id={form.errorId} errors={form.errors} />
						<TextareaField meta={fields.note} label={t('supervision.form.close_note', { max: NOTE_MAX })} rows={3} />
						<button type="submit" disabled={navigation.state === 'submitting'}>
							{t('supervision.accountability.submit_close')}
						</button>
					</Form>
				</>
			) : null}
		</>
	)
}
