// Edit a planned or running project (owners and admins of its verified enterprise; the model
// checks again). Others get 403; a completed project's record is final.
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ProjectForm, type ProjectFormValues } from '#app/components/project-form.tsx'
import { finderReply, isFinderIntent } from '#app/components/region-finder.tsx'
import { regionFinder } from '#app/models/browse.server.ts'
import { ProjectSchema } from '#app/models/project.schema.ts'
import { getProject, updateProject } from '#app/models/project.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { forbidden, notFound, replyWithError } from '#app/utils/http.server.ts'
import { fenToYuan } from '#app/utils/money.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `修改：${data?.project.title ?? '项目'} · 帮扶 Bangfu` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const url = new URL(request.url)
	const project = await getProject(db, params.projectId ?? '', actor)
	if (!project) notFound()
	if (!project.viewer.canManage) forbidden('errors.not_org_admin')
	const values: ProjectFormValues = {
		title: project.title,
		description: project.description,
		type: project.type,
		villageCodes: project.villages.map((v) => v.code).join(' '),
		plannedInvestment: fenToYuan(project.plannedInvestment),
		permanentJobs: String(project.permanentJobs),
		temporaryJobs: String(project.temporaryJobs),
		peopleTrained: String(project.peopleTrained),
		startsOn: formatChinaDate(project.startsOn),
		endsOn: formatChinaDate(project.endsOn),
	}
	return {
		project: { id: project.id, title: project.title, status: project.status, enterpriseName: project.enterpriseName },
		canEdit: project.viewer.canEdit,
		values,
		finder: await regionFinder(db, url.searchParams, { level: 5 }),
	}
}

export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const projectId = params.projectId ?? ''
	const formData = await request.formData()
	const intent = String(formData.get('intent') ?? 'save')
	if (isFinderIntent(intent)) return finderReply(formData, await regionFinder(db, formData, { level: 5 }), 'villageCodes')
	const submission = parseWithZod(formData, { schema: ProjectSchema })
	if (submission.status !== 'success') return data({ result: submission.reply(), finder: null }, { status: 400 })
	try {
		await updateProject(db, projectId, submission.payload, actor)
		return redirect(`/projects/${projectId}?saved=1`)
	} catch (error) {
		const response = replyWithError(submission, error)
		return data({ result: response.data.result, finder: null }, response.init ?? undefined)
	}
}

export default function EditProjectPage() {
	const { t } = useTranslation()
	const { project, canEdit, values, finder } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	return (
		<>
			<p className="crumbs">
				<Link to="/projects">{t('browse.projects.title')}</Link> › <Link to={`/projects/${project.id}`}>{project.title}</Link> ›
			</p>
			<h1>{t('project.edit_title')}</h1>
			<p className="muted">
				{project.enterpriseName} · <span className="tag">{t(`vocab.project_status.${project.status}`)}</span>
			</p>
			{canEdit ? (
				<section className="card">
					<ProjectForm
						id="edit-project"
						orgs={[]}
						defaultValue={values}
						lastResult={actionData?.result}
						finder={actionData?.finder ?? finder}
						loaderPath={`/projects/${project.id}/edit`}
						submitLabel={t('project.actions.save')}
					/>
				</section>
			) : (
				<section className="card" role="status">
					<p style={{ marginTop: 0 }}>{t('project.edit_locked')}</p>
					<p style={{ marginBottom: 0 }}>
						<Link to={`/projects/${project.id}`}>{t('project.back_to_project')}</Link>
					</p>
				</section>
			)}
		</>
	)
}
