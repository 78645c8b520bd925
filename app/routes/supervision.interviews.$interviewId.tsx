// /supervision/interviews/:interviewId: one 约谈 interview, its follow-ups in order, and (for an
// official who supervises the subject, while it is open) the follow-up form. Members of the
// subject org may read it (they were told about it); anyone else gets the 403 page, an official
// outside its jurisdiction a 404.
import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList, SelectField, TextareaField } from '#app/components/form.tsx'
import { InterviewStatusTag, SupervisionNav } from '#app/components/supervision.tsx'
import { addInterviewFollowUp, getInterview } from '#app/models/interview.server.ts'
import { isOfficial } from '#app/models/policy.server.ts'
import { subjectHref } from '#app/models/subject.server.ts'
import { FollowUpSchema, INTERVIEW_STATUSES, NOTE_MAX } from '#app/models/supervision.schema.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { formatTime } from '#app/utils/format.ts'
import { forbidden, notFound, replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.interview.subjectName ?? ''} · 约谈 · 帮扶 Bangfu` }]

const NOTICES = ['created', 'followed'] as const

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const interview = await getInterview(db, params.interviewId ?? '', actor)
	if (!interview) {
		if (!isOfficial(actor)) forbidden()
		notFound('supervision.errors.interview_not_found')
	}
	const notice = new URL(request.url).searchParams.get('notice')
	return {
		interview: { ...interview, subjectHref: subjectHref({ type: interview.subjectType, id: interview.subjectId }) },
		official: isOfficial(actor),
		notice: (NOTICES as readonly string[]).includes(notice ?? '') ? `supervision.interviews.notice_${notice}` : null,
	}
}

export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	if (!isOfficial(actor)) forbidden()
	const id = params.interviewId ?? ''
	const submission = parseWithZod(await request.formData(), { schema: FollowUpSchema })
	if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
	try {
		await addInterviewFollowUp(db, id, submission.value, actor)
		return redirect(`/supervision/interviews/${id}?notice=followed`)
	} catch (error) {
		return replyWithError(submission, error)
	}
}

export default function InterviewPage() {
	const { t, i18n } = useTranslation()
	const { interview: iv, official, notice } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const [form, fields] = useForm({
		id: 'follow-up',
		lastResult: actionData?.result,
		defaultValue: { statusTo: 'open' },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: FollowUpSchema }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	return (
		<>
			{official ? <SupervisionNav /> : null}
			<p className="crumbs">{official ? <Link to="/supervision/interviews">{t('supervision.interviews.back')}</Link> : null}</p>
			<h1>
				{t('supervision.interviews.detail_title', { subject: iv.subjectName })} <InterviewStatusTag status={iv.status} />
			</h1>
			{notice ? (
				<p className="notice" role="status">
					{t(notice)}
				</p>
			) : null}
			<dl className="card">
				<dt>{t('supervision.columns.subject')}</dt>
				<dd>
					<Link to={iv.subjectHref}>{iv.subjectName}</Link> <span className="muted">({t(`supervision.subject_type.${iv.subjectType}`)})</span>
				</dd>
				<dt>{t('supervision.columns.held_on')}</dt>
				<dd>{formatChinaDate(iv.heldAt)}</dd>
				<dt>{t('supervision.columns.interviewer')}</dt>
				<dd>{[iv.interviewerOrgName, iv.interviewerName].filter(Boolean).join(' · ') || '—'}</dd>
				<dt>{t('supervision.form.attendees_label')}</dt>
				<dd style={{ whiteSpace: 'pre-wrap' }}>{iv.attendees}</dd>
				<dt>{t('supervision.columns.issues')}</dt>
				<dd style={{ whiteSpace: 'pre-wrap' }}>{iv.issues}</dd>
				<dt>{t('supervision.columns.rectification')}</dt>
				<dd style={{ whiteSpace: 'pre-wrap' }}>{iv.rectification}</dd>
				<dt>{t('supervision.columns.deadline')}</dt>
				<dd>{formatChinaDate(iv.deadline)}</dd>
			</dl>

			<h2>{t('supervision.interviews.follow_ups')}</h2>
			{iv.followUps.length ? (
				<ol className="card">
					{iv.followUps.map((f) => (
						<li key={f.id} style={{ marginBottom: 8 }}>
							<div className="muted">
								{formatTime(f.createdAt, i18n.language)} · {f.authorName ?? '—'} · <InterviewStatusTag status={f.statusTo} />
							</div>
							<div style={{ whiteSpace: 'pre-wrap' }}>{f.note}</div>
						</li>
					))}
				</ol>
			) : (
				<p className="card">{t('supervision.interviews.no_follow_ups')}</p>
			)}

			{iv.canFollowUp ? (
				<>
					<h2 id="follow-up-title">{t('supervision.interviews.add_follow_up')}</h2>
					<Form method="post" {...getFormProps(form)} className="card" aria-labelledby="follow-up-title">
						<ErrorList id={form.errorId} errors={form.errors} />
						<TextareaField meta={fields.note} label={t('supervision.form.note', { max: NOTE_MAX })} rows={3} />
						<SelectField meta={fields.statusTo} label={t('supervision.form.status_to')}>
							{INTERVIEW_STATUSES.map((s) => (
								<option key={s} value={s}>
									{t(`supervision.follow_up_status.${s}`)}
								</option>
							))}
						</SelectField>
						<button type="submit" disabled={navigation.state === 'submitting'}>
							{t('supervision.interviews.submit_follow_up')}
						</button>
					</Form>
				</>
			) : null}
		</>
	)
}
