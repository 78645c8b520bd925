// An owner or admin of a verified enterprise registers a 万企兴万村 project. The form is
// components/project-form.tsx, shared with projects.$projectId_.edit.tsx.
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ProjectForm } from '#app/components/project-form.tsx'
import { finderReply, isFinderIntent } from '#app/components/region-finder.tsx'
import { regionFinder } from '#app/models/browse.server.ts'
import { ProjectSchema } from '#app/models/project.schema.ts'
import { createProject } from '#app/models/project.server.ts'
import { type Actor, roleAtLeast } from '#app/models/policy.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { replyWithError } from '#app/utils/http.server.ts'
import { tm } from '#app/utils/i18n-message.ts'

export const meta: MetaFunction = () => [{ title: '登记万企兴万村项目 · 帮扶 Bangfu' }]

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
