// One 万企兴万村 project (public): details, start/complete for the enterprise's owners and admins,
// dated progress updates (form and list) and its history.
import { type SubmissionResult, getFormProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Pair, cardDl } from '#app/components/browse.tsx'
import { ErrorList, Field } from '#app/components/form.tsx'
import { listEvents } from '#app/models/event.server.ts'
import { PROJECT_ACTIONS, type ProjectAction, ProjectTransitionSchema, ProjectUpdateSchema, ProjectVerifySchema } from '#app/models/project.schema.ts'
import { addProjectUpdate, getProject, transitionProject, verifyProjectInvestment } from '#app/models/project.server.ts'
import { getRequestContext, requireActor } from '#app/utils/auth.server.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { formatYuan } from '#app/utils/format.ts'
import { notFound, replyWithError } from '#app/utils/http.server.ts'
import { tm } from '#app/utils/i18n-message.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.project.title ?? '项目'} · 万企兴万村 · 帮扶 Bangfu` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await getRequestContext(request)
	const project = await getProject(db, params.projectId ?? '', actor)
	if (!project) notFound()
	const insider = !!actor?.memberships.some((m) => m.orgId === project.enterpriseOrgId)
	const events = await listEvents(db, 'project', project.id)
	return {
		project,
		today: formatChinaDate(chinaDayStart(Date.now())),
		// Who did what is for the enterprise's members; everyone sees what happened and when.
		events: events.map((e) => ({
			id: e.id,
			action: e.action,
			// An add_update event notes the update's id, which means nothing to a reader.
			note: e.action === 'add_update' ? '' : e.note,
			createdAt: e.createdAt,
			actorName: insider ? e.actorName : null,
		})),
		insider,
	}
}

type Intent = ProjectAction | 'add-update' | 'verify-investment'
type ActionResult = { intent: Intent | null; result: SubmissionResult<string[]> | null; notice: string | null; error: string | null }

function reply(body: Partial<ActionResult>, status = 200) {
	return data<ActionResult>({ intent: null, result: null, notice: null, error: null, ...body }, { status })
}

export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const projectId = params.projectId ?? ''
	const formData = await request.formData()
	const intent = String(formData.get('intent') ?? '')
	if (intent === 'add-update') {
		const submission = parseWithZod(formData, { schema: ProjectUpdateSchema })
		if (submission.status !== 'success') return reply({ intent, result: submission.reply() }, 400)
		try {
			await addProjectUpdate(db, projectId, submission.payload, actor)
			return reply({ intent, result: submission.reply({ resetForm: true }), notice: 'project.notice.update_added' })
		} catch (error) {
			const response = replyWithError(submission, error)
			return reply({ intent, result: response.data.result }, response.init?.status ?? 400)
		}
	}
	if (intent === 'verify-investment') {
		const submission = parseWithZod(formData, { schema: ProjectVerifySchema })
		if (submission.status !== 'success') return reply({ intent, result: submission.reply() }, 400)
		try {
			await verifyProjectInvestment(db, projectId, submission.payload, actor)
			return reply({ intent, result: submission.reply(), notice: 'project.notice.investment_verified' })
		} catch (error) {
			const response = replyWithError(submission, error)
			return reply({ intent, result: response.data.result }, response.init?.status ?? 400)
		}
	}
	if (!(PROJECT_ACTIONS as readonly string[]).includes(intent)) return reply({ error: 'project.unknown_intent' }, 400)
	const action = intent as ProjectAction
	formData.set('action', action)
	const submission = parseWithZod(formData, { schema: ProjectTransitionSchema })
	if (submission.status !== 'success') return reply({ intent: action, result: submission.reply() }, 400)
	try {
		await transitionProject(db, projectId, submission.payload, actor)
		return reply({ intent: action, result: submission.reply(), notice: `project.notice.${action}` })
	} catch (error) {
		const response = replyWithError(submission, error)
		return reply({ intent: action, result: response.data.result }, response.init?.status ?? 400)
	}
}

export default function ProjectPage() {
	const { t, i18n } = useTranslation()
	const { project, events, today } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const [searchParams] = useSearchParams()
	const lang = i18n.language
	const n = (x: number) => x.toLocaleString(lang === 'en' ? 'en-US' : 'zh-CN')
	const notice = actionData?.notice ?? (searchParams.get('created') === '1' ? 'project.notice.created' : searchParams.get('saved') === '1' ? 'project.notice.updated' : null)
	const transitionErrors =
		actionData?.intent && actionData.intent !== 'add-update' && actionData.intent !== 'verify-investment' && actionData.result?.error ? Object.values(actionData.result.error).flatMap((e) => e ?? []) : []

	return (
		<>
			<p className="crumbs">
				<Link to="/projects">{t('browse.projects.title')}</Link> ›
			</p>
			<h1 style={{ overflowWrap: 'anywhere' }}>
				{project.title}{' '}
				<span className={`tag ${project.status === 'completed' ? 'verified' : project.status === 'running' ? 'pending' : ''}`} style={{ verticalAlign: 'middle' }}>
					{t(`vocab.project_status.${project.status}`)}
				</span>
			</h1>
			{notice ? (
				<p className="notice" role="status">
					{tm(t, notice)}
				</p>
			) : null}
			{actionData?.error ? (
				<div className="form-errors" role="alert">
					{tm(t, actionData.error)}
				</div>
			) : null}

			<section className="card" aria-labelledby="h-details">
				<h2 id="h-details" style={{ marginTop: 0 }}>
					{t('project.details')}
				</h2>
				<dl style={cardDl}>
					<Pair label={t('project.enterprise')}>
						<Link to={`/orgs/${project.enterpriseOrgId}`}>{project.enterpriseName}</Link>
					</Pair>
					<Pair label={t('project.fields.type')}>{t(`vocab.project_type.${project.type}`)}</Pair>
					<Pair label={t('project.status')}>{t(`vocab.project_status.${project.status}`)}</Pair>
					<Pair label={t('project.investment')}>
						<strong>{formatYuan(project.plannedInvestment, lang)}</strong>
					</Pair>
					<Pair label={t('project.verified_investment')}>
						{project.verifiedInvestment === null ? (
							t('project.not_verified')
						) : (
							<>
								<strong>{formatYuan(project.verifiedInvestment, lang)}</strong> {t('project.verified_on', { date: formatChinaDate(Number(project.verifiedAt)) })}
							</>
						)}
					</Pair>
					<Pair label={t('project.fields.permanent_jobs')}>{n(project.permanentJobs)}</Pair>
					<Pair label={t('project.fields.temporary_jobs')}>{n(project.temporaryJobs)}</Pair>
					<Pair label={t('project.fields.people_trained')}>{n(project.peopleTrained)}</Pair>
					<Pair label={t('project.period')}>{t('project.period_range', { from: formatChinaDate(project.startsOn), until: formatChinaDate(project.endsOn) })}</Pair>
					<Pair label={t('project.villages')}>
						<ul style={{ margin: 0, paddingLeft: '1.2em' }}>
							{project.villages.map((v) => (
								<li key={v.code}>
									<Link to={`/regions/${v.code}`}>{v.name}</Link>
								</li>
							))}
						</ul>
					</Pair>
				</dl>
				{project.viewer.canVerify ? <VerifyForm lastResult={actionData?.intent === 'verify-investment' ? (actionData.result ?? undefined) : undefined} /> : null}
				<h3>{t('project.fields.description')}</h3>
				<p style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{project.description}</p>
			</section>

			{project.viewer.canManage ? (
				<section className="card" aria-labelledby="h-manage">
					<h2 id="h-manage" style={{ marginTop: 0 }}>
						{t('project.manage')}
					</h2>
					<p className="muted">{t('project.lifecycle')}</p>
					{transitionErrors.length ? (
						<div className="form-errors">
							<ErrorList errors={transitionErrors} />
						</div>
					) : null}
					<div className="row" style={{ alignItems: 'flex-start' }}>
						{project.viewer.canEdit ? (
							<p style={{ flex: '0 0 auto', margin: 0 }}>
								<Link to={`/projects/${project.id}/edit`} className="button secondary">
									{t('project.actions.edit')}
								</Link>
							</p>
						) : null}
						{project.viewer.actions.map((a) => (
							<Form key={a} method="post" style={{ flex: '1 1 220px' }}>
								<button type="submit" name="intent" value={a} disabled={navigation.state === 'submitting'}>
									{t(`project.actions.${a}`)}
								</button>
								<p className="hint" style={{ margin: '4px 0 0' }}>
									{t(`project.action_hints.${a}`)}
								</p>
							</Form>
						))}
					</div>
				</section>
			) : null}

			<section className="card" aria-labelledby="h-updates">
				<h2 id="h-updates" style={{ marginTop: 0 }}>
					{t('project.updates.title')}
				</h2>
				{project.viewer.canManage ? <UpdateForm key={project.updates.length} today={today} lastResult={actionData?.intent === 'add-update' ? (actionData.result ?? undefined) : undefined} /> : null}
				{project.updates.length ? (
					<ul className="plain">
						{project.updates.map((u) => (
							<li key={u.id}>
								<strong>
									<time dateTime={formatChinaDate(u.happenedOn)}>{formatChinaDate(u.happenedOn)}</time>
								</strong>
								<p style={{ whiteSpace: 'pre-wrap', margin: '2px 0', overflowWrap: 'anywhere' }}>{u.body}</p>
								{u.authorName ? <div className="muted">{t('project.updates.by', { name: u.authorName })}</div> : null}
							</li>
						))}
					</ul>
				) : (
					<p className="muted" style={{ marginBottom: 0 }}>
						{t('project.updates.empty')}
					</p>
				)}
			</section>

			<section className="card" aria-labelledby="h-timeline">
				<h2 id="h-timeline" style={{ marginTop: 0 }}>
					{t('project.timeline')}
				</h2>
				{events.length ? (
					<ul className="plain">
						{events.map((e) => (
							<li key={e.id}>
								<strong>{i18n.exists(`project.events.${e.action}`) ? t(`project.events.${e.action}`) : e.action}</strong>
								{e.note ? <> · {e.note}</> : null}
								<div className="muted">
									<time dateTime={new Date(e.createdAt).toISOString()}>{new Date(e.createdAt).toLocaleString(lang, { timeZone: 'Asia/Shanghai' })}</time>
									{e.actorName ? ` · ${e.actorName}` : null}
								</div>
							</li>
						))}
					</ul>
				) : (
					<p className="muted">{t('project.timeline_empty')}</p>
				)}
			</section>
		</>
	)
}

function UpdateForm({ today, lastResult }: { today: string; lastResult: SubmissionResult<string[]> | undefined }) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const [form, fields] = useForm({
		id: 'project-update',
		lastResult,
		defaultValue: { happenedOn: today },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: ProjectUpdateSchema }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	return (
		<Form method="post" {...getFormProps(form)} style={{ maxWidth: 560, marginBottom: 16 }} aria-labelledby="h-add-update">
			<h3 id="h-add-update" style={{ marginTop: 0 }}>
				{t('project.updates.add')}
			</h3>
			<div className={form.errors?.length ? 'form-errors' : undefined}>
				<ErrorList id={form.errorId} errors={form.errors} />
			</div>
			<Field meta={fields.happenedOn} type="date" label={t('project.updates.happened_on')} hint={t('project.updates.happened_on_hint')} max={today} />
			<div className="field">
				<label htmlFor={fields.body.id}>{t('project.updates.body')}</label>
				<textarea {...getTextareaProps(fields.body, { ariaAttributes: true })} rows={4} maxLength={5000} />
				<small className="hint">{t('project.updates.body_hint')}</small>
				<ErrorList id={fields.body.errorId} errors={fields.body.errors} />
			</div>
			<button type="submit" name="intent" value="add-update" disabled={navigation.state === 'submitting'}>
				{t('project.updates.submit')}
			</button>
		</Form>
	)
}

/** For an official of one of the project's villages: the investment actually made (CSR indicators count only this). */
function VerifyForm({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const [form, fields] = useForm({
		id: 'project-verify',
		lastResult,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: ProjectVerifySchema }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	return (
		<Form method="post" {...getFormProps(form)} style={{ maxWidth: 560, marginTop: 16 }} aria-labelledby="h-verify-investment">
			<h3 id="h-verify-investment" style={{ marginTop: 0 }}>
				{t('project.verify.title')}
			</h3>
			<p className="hint">{t('project.verify.intro')}</p>
			<div className={form.errors?.length ? 'form-errors' : undefined}>
				<ErrorList id={form.errorId} errors={form.errors} />
			</div>
			<Field meta={fields.verifiedInvestment} inputMode="decimal" label={t('project.verify.amount')} hint={t('project.verify.amount_hint')} />
			<button type="submit" name="intent" value="verify-investment" disabled={navigation.state === 'submitting'}>
				{t('project.verify.submit')}
			</button>
		</Form>
	)
}
