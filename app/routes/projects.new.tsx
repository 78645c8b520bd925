// An owner or admin of a verified enterprise registers a 万企兴万村 project. The form is shared
// with projects.$projectId_.edit.tsx; its village finder is offers.new.tsx's, limited to villages.
import { type Submission, type SubmissionResult, getCollectionProps, getFormProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList, Field } from '#app/components/form.tsx'
import { type RegionFinderData, regionFinder } from '#app/models/browse.server.ts'
import { PROJECT_TYPES } from '#app/models/marketplace-vocab.ts'
import { MAX_PROJECT_VILLAGES, ProjectSchema } from '#app/models/project.schema.ts'
import { createProject } from '#app/models/project.server.ts'
import { type Actor, roleAtLeast } from '#app/models/policy.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { replyWithError } from '#app/utils/http.server.ts'
import { tm } from '#app/utils/i18n-message.ts'
import { Choices, EchoSchema, RegionFinder, appendCode, finderReply, isFinderIntent, optionLabel } from './offers.new.tsx'

export const meta: MetaFunction = () => [{ title: '登记万企兴万村项目 · 帮扶 Bangfu' }]

/** The project form's fields as the browser holds them. */
export type ProjectFormShape = {
	orgId?: string
	title: string
	description: string
	type: string
	villageCodes: string
	plannedInvestment: string
	permanentJobs?: string
	temporaryJobs?: string
	peopleTrained?: string
	startsOn: string
	endsOn: string
}
export type ProjectFormValues = Partial<ProjectFormShape>

function validateProject(formData: FormData): Submission<ProjectFormShape> {
	const submission = isFinderIntent(String(formData.get('intent') ?? '')) ? parseWithZod(formData, { schema: EchoSchema }) : parseWithZod(formData, { schema: ProjectSchema })
	// Only status, errors and reply() are read from it.
	return submission as unknown as Submission<ProjectFormShape>
}

export function ProjectForm({
	id,
	orgs,
	defaultValue,
	lastResult,
	finder,
	loaderPath,
	submitLabel,
}: {
	id: string
	/** The enterprises to register for; empty on the edit form. */
	orgs: Array<{ id: string; name: string }>
	defaultValue: ProjectFormValues
	lastResult: SubmissionResult<string[]> | undefined
	finder: RegionFinderData | null
	loaderPath: string
	submitLabel: string
}) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const [form, fields] = useForm<ProjectFormShape>({
		id,
		lastResult,
		defaultValue,
		onValidate: ({ formData }) => validateProject(formData),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	const orgErrors = lastResult?.error?.orgId ?? undefined
	return (
		<Form method="post" {...getFormProps(form)} style={{ maxWidth: 640 }}>
			{/* The default button, disabled: Enter in a field neither saves nor searches by surprise. */}
			<button type="submit" disabled aria-hidden tabIndex={-1} style={{ display: 'none' }} />
			<div className={form.errors?.length ? 'form-errors' : undefined}>
				<ErrorList id={form.errorId} errors={form.errors} />
			</div>

			{orgs.length > 1 ? (
				<div className="field">
					<label htmlFor={`${id}-org`}>{t('project.fields.enterprise')}</label>
					<select id={`${id}-org`} name="orgId" defaultValue={String(defaultValue.orgId ?? '')} aria-invalid={orgErrors?.length ? true : undefined} aria-describedby={orgErrors?.length ? `${id}-org-error` : undefined}>
						<option value="">{t('offer.fields.org_choose')}</option>
						{orgs.map((o) => (
							<option key={o.id} value={o.id}>
								{o.name}
							</option>
						))}
					</select>
					<ErrorList id={`${id}-org-error`} errors={orgErrors} />
				</div>
			) : orgs.length === 1 ? (
				<p>
					<span className="muted">{t('project.fields.enterprise')}</span> <strong>{orgs[0].name}</strong>
					<input type="hidden" name="orgId" value={orgs[0].id} />
				</p>
			) : null}

			<Field meta={fields.title} label={t('project.fields.title')} hint={t('project.fields.title_hint')} maxLength={200} />
			<div className="field">
				<label htmlFor={fields.description.id}>{t('project.fields.description')}</label>
				<textarea {...getTextareaProps(fields.description, { ariaAttributes: true })} rows={6} maxLength={10_000} />
				<small className="hint">{t('project.fields.description_hint')}</small>
				<ErrorList id={fields.description.errorId} errors={fields.description.errors} />
			</div>

			<Choices legend={t('project.fields.type')} errors={fields.type.errors} errorId={fields.type.errorId}>
				{getCollectionProps(fields.type, { type: 'radio', options: [...PROJECT_TYPES] }).map(({ key, ...props }) => (
					<label key={key} htmlFor={props.id} style={optionLabel}>
						<input {...props} style={{ marginTop: 6, flex: '0 0 auto' }} />
						<span>
							<strong>{t(`vocab.project_type.${props.value}`)}</strong>
							<br />
							<small className="hint">{t(`project.fields.type_hint.${props.value}`)}</small>
						</span>
					</label>
				))}
			</Choices>

			<Field meta={fields.villageCodes} label={t('project.fields.village_codes')} hint={t('project.fields.village_codes_hint', { max: MAX_PROJECT_VILLAGES })} inputMode="numeric" />
			<RegionFinder
				finder={finder}
				fixedLevel={5}
				loaderPath={loaderPath}
				onAdd={(code) => form.update({ name: fields.villageCodes.name, value: appendCode(fields.villageCodes.value, code) })}
			/>

			<Field meta={fields.plannedInvestment} label={t('project.fields.planned_investment')} hint={t('project.fields.planned_investment_hint')} inputMode="decimal" maxLength={20} />
			<div className="row">
				<Field meta={fields.permanentJobs} label={t('project.fields.permanent_jobs')} inputMode="numeric" maxLength={10} />
				<Field meta={fields.temporaryJobs} label={t('project.fields.temporary_jobs')} inputMode="numeric" maxLength={10} />
				<Field meta={fields.peopleTrained} label={t('project.fields.people_trained')} inputMode="numeric" maxLength={10} />
			</div>
			<p className="hint" style={{ marginTop: -8 }}>
				{t('project.fields.counts_hint')}
			</p>
			<div className="row">
				<Field meta={fields.startsOn} type="date" label={t('project.fields.starts_on')} />
				<Field meta={fields.endsOn} type="date" label={t('project.fields.ends_on')} />
			</div>
			<p className="hint" style={{ marginTop: -8 }}>
				{t('project.fields.dates_hint')}
			</p>

			<button type="submit" name="intent" value="save" disabled={navigation.state === 'submitting'}>
				{submitLabel}
			</button>
		</Form>
	)
}

/** Verified enterprises where the actor is an owner or admin: the ones it may register projects for. */
function enterprisesOf(actor: Actor) {
	return actor.memberships.filter((m) => m.kind === 'enterprise' && m.status === 'verified' && roleAtLeast(m.role, 'admin'))
}

function cannotReason(actor: Actor) {
	const enterprises = actor.memberships.filter((m) => m.kind === 'enterprise')
	if (enterprises.some((m) => m.status === 'verified')) return 'not_admin' as const
	if (enterprises.some((m) => m.status === 'pending')) return 'pending' as const
	return 'not_enterprise' as const
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const url = new URL(request.url)
	const orgs = enterprisesOf(actor).map((m) => ({ id: m.orgId, name: m.orgName }))
	const today = formatChinaDate(chinaDayStart(Date.now()))
	return {
		orgs,
		reason: orgs.length ? null : cannotReason(actor),
		defaults: { orgId: orgs.length === 1 ? orgs[0].id : '', startsOn: today, plannedInvestment: '' },
		finder: await regionFinder(db, url.searchParams, { level: 5 }),
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const formData = await request.formData()
	const intent = String(formData.get('intent') ?? 'save')
	if (isFinderIntent(intent)) return finderReply(formData, await regionFinder(db, formData, { level: 5 }), 'villageCodes')
	const orgs = enterprisesOf(actor)
	const submission = parseWithZod(formData, { schema: ProjectSchema })
	if (!orgs.length) {
		const reason = cannotReason(actor)
		return data({ result: submission.reply({ formErrors: [reason === 'not_admin' ? 'errors.not_org_admin' : reason === 'pending' ? 'errors.org_not_verified' : 'errors.org_cannot_project'] }), finder: null }, { status: 403 })
	}
	const orgId = String(formData.get('orgId') ?? '') || (orgs.length === 1 ? orgs[0].orgId : '')
	if (submission.status !== 'success' || !orgId) {
		return data({ result: submission.reply(orgId ? {} : { fieldErrors: { orgId: ['validation.project_org_required'] } }), finder: null }, { status: 400 })
	}
	try {
		// The raw values: the model parses them itself (submission.value is already in fen).
		const { id } = await createProject(db, orgId, submission.payload, actor)
		return redirect(`/projects/${id}?created=1`)
	} catch (error) {
		const response = replyWithError(submission, error)
		return data({ result: response.data.result, finder: null }, response.init ?? undefined)
	}
}

export default function NewProjectPage() {
	const { t } = useTranslation()
	const loaderData = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const formErrors = !loaderData.orgs.length ? (actionData?.result?.error?.[''] ?? null) : null
	return (
		<>
			<p className="crumbs">
				<Link to="/projects">{t('browse.projects.title')}</Link> ›
			</p>
			<h1>{t('project.new_title')}</h1>
			{formErrors?.length ? (
				<div className="form-errors" role="alert">
					{formErrors.map((e) => tm(t, e)).join(' ')}
				</div>
			) : null}
			{loaderData.reason ? (
				<section className="card" role="status">
					<h2 style={{ marginTop: 0 }}>{t('project.cannot.title')}</h2>
					<p>{t(`project.cannot.${loaderData.reason}`)}</p>
					<p style={{ marginBottom: 0 }}>
						{loaderData.reason === 'not_enterprise' ? <Link to="/orgs/new?kind=enterprise">{t('project.cannot.register')}</Link> : <Link to="/settings">{t('project.cannot.see_orgs')}</Link>}
						{' · '}
						<Link to="/projects">{t('project.cannot.browse')}</Link>
					</p>
				</section>
			) : (
				<>
					<p className="muted">{t('project.new_intro')}</p>
					<section className="card">
						<ProjectForm
							id="new-project"
							orgs={loaderData.orgs}
							defaultValue={loaderData.defaults}
							lastResult={actionData?.result}
							finder={actionData?.finder ?? loaderData.finder}
							loaderPath="/projects/new"
							submitLabel={t('project.actions.create')}
						/>
					</section>
				</>
			)}
		</>
	)
}
