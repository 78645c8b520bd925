import { getFormProps, getSelectProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import {
	type ActionFunctionArgs,
	type LoaderFunctionArgs,
	type MetaFunction,
	data,
	redirect,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList } from '#app/components/form.tsx'
import { type NeedFormShape, NeedFields, tapStyle } from '#app/components/need-form.tsx'
import { NeedSchema, type NeedValues } from '#app/models/need.schema.ts'
import { createNeed, submitNeed } from '#app/models/need.server.ts'
import type { Actor } from '#app/models/policy.server.ts'
import { MAX_UPLOAD_MB, addNeedPhoto } from '#app/models/upload.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { isAppError } from '#app/utils/errors.ts'
import { replyWithError } from '#app/utils/http.server.ts'
import { photoProblems, readPhotoForm, textValues } from '#app/utils/photo-form.server.ts'

export const meta: MetaFunction = () => [{ title: '发布需求 · 帮扶 Bangfu' }]

/** The village orgs the actor may post for (verified ones), and those still waiting. */
function villageOrgsOf(actor: Actor) {
	const villages = actor.memberships.filter((m) => m.kind === 'village')
	return {
		verified: villages.filter((m) => m.status === 'verified').map((m) => ({ id: m.orgId, name: m.orgName, canSubmit: m.role !== 'member' })),
		waiting: villages.filter((m) => m.status !== 'verified').map((m) => ({ id: m.orgId, name: m.orgName, status: m.status })),
	}
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { actor } = await requireActor(request)
	const { verified, waiting } = villageOrgsOf(actor)
	return { villages: verified, waiting, today: formatChinaDate(Date.now()), maxMb: MAX_UPLOAD_MB }
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const form = await readPhotoForm(request)
	const submission = parseWithZod(form.formData, { schema: NeedSchema })
	const { verified } = villageOrgsOf(actor)
	const villageOrgId = String(form.formData.get('villageOrgId') ?? '') || (verified.length === 1 ? verified[0].id : '')
	const fieldErrors: Record<string, string[]> = {}
	if (!villageOrgId) fieldErrors.villageOrgId = ['validation.required']
	const photoErrors = await photoProblems(form)
	if (photoErrors.length) fieldErrors.photos = photoErrors
	const photosLost = form.photos.length + form.oversized.length > 0 || form.tooMany
	if (submission.status !== 'success' || Object.keys(fieldErrors).length) {
		return data({ result: submission.reply(Object.keys(fieldErrors).length ? { fieldErrors } : {}), photosLost }, { status: 400 })
	}

	let needId: string
	try {
		needId = (await createNeed(db, villageOrgId, textValues(form.formData), actor)).id
	} catch (error) {
		const response = replyWithError(submission, error)
		return data({ result: response.data.result, photosLost }, { status: response.init?.status ?? 400 })
	}

	// The need exists from here on: a photo that fails leaves it a draft, and its page says which.
	const params = new URLSearchParams({ notice: 'created' })
	let photoFailed = false
	for (const photo of form.photos) {
		try {
			await addNeedPhoto(db, needId, { bytes: new Uint8Array(await photo.arrayBuffer()), originalName: photo.name }, actor)
		} catch (error) {
			if (!isAppError(error)) console.error('need photo upload failed', error)
			photoFailed = true
			params.append('photoFailed', photo.name)
			params.append('photoError', isAppError(error) ? (error.fields.photos ?? error.message) : 'errors.upload_failed')
		}
	}
	if (form.formData.get('intent') === 'submit' && !photoFailed) {
		try {
			await submitNeed(db, needId, actor)
			params.set('notice', 'submitted')
		} catch (error) {
			if (!isAppError(error)) throw error
			params.set('submitError', Object.values(error.fields)[0] ?? error.message)
		}
	}
	return redirect(`/needs/${needId}?${params}`)
}

export default function NewNeedPage() {
	const { t } = useTranslation()
	const { villages, waiting, today, maxMb } = useLoaderData<typeof loader>()
	if (!villages.length) {
		return (
			<>
				<h1>{t('need.new_title')}</h1>
				<section className="card" aria-labelledby="h-no-village">
					<h2 id="h-no-village" style={{ marginTop: 0 }}>
						{t('need.form.no_village_title')}
					</h2>
					<p>{t('need.form.no_village_body')}</p>
					{waiting.length ? (
						<>
							<p>{t('need.form.no_village_pending')}</p>
							<ul>
								{waiting.map((o) => (
									<li key={o.id}>
										<Link to={`/orgs/${o.id}`}>{o.name}</Link> <span className={`tag ${o.status}`}>{t(`vocab.org_status.${o.status}`)}</span>
									</li>
								))}
							</ul>
						</>
					) : null}
					<p>
						<Link to="/orgs/new?kind=village" className="button" style={{ ...tapStyle, lineHeight: '28px' }}>
							{t('need.form.register_org')}
						</Link>
					</p>
				</section>
			</>
		)
	}
	return <NewNeedForm villages={villages} today={today} maxMb={maxMb} />
}

function NewNeedForm({ villages, today, maxMb }: { villages: Array<{ id: string; name: string; canSubmit: boolean }>; today: string; maxMb: number }) {
	const { t } = useTranslation()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const [form, fields] = useForm<NeedFormShape, NeedValues>({
		id: 'new-need',
		lastResult: actionData?.result,
		defaultValue: { measure: 'amount', urgency: 'normal', villageOrgId: villages.length === 1 ? villages[0].id : undefined },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: NeedSchema }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	const chosen = villages.find((v) => v.id === fields.villageOrgId.value)
	// Submitting needs an owner or admin; members save drafts for them to submit.
	const canSubmit = chosen ? chosen.canSubmit : villages.some((v) => v.canSubmit)
	const busy = navigation.state === 'submitting'
	return (
		<>
			<h1>{t('need.new_title')}</h1>
			<p className="muted">{t('need.new_intro')}</p>
			<section className="card">
				<Form method="post" encType="multipart/form-data" className="narrow" {...getFormProps(form)}>
					<div className={form.errors?.length ? 'form-errors' : undefined}>
						<ErrorList id={form.errorId} errors={form.errors} />
					</div>
					{villages.length === 1 ? (
						<>
							<input type="hidden" name={fields.villageOrgId.name} value={villages[0].id} />
							<p>{t('need.form.village_org_one', { name: villages[0].name })}</p>
						</>
					) : (
						<div className="field">
							<label htmlFor={fields.villageOrgId.id}>{t('need.form.village_org')}</label>
							<select {...getSelectProps(fields.villageOrgId, { ariaAttributes: true })} style={tapStyle}>
								<option value="">{t('need.form.choose')}</option>
								{villages.map((v) => (
									<option key={v.id} value={v.id}>
										{v.name}
									</option>
								))}
							</select>
							<ErrorList id={fields.villageOrgId.errorId} errors={fields.villageOrgId.errors} />
						</div>
					)}
					<NeedFields fields={fields} today={today} photosMaxMb={maxMb} />
					{actionData?.photosLost ? (
						<p className="form-errors" role="status">
							{t('need.form.photos_reselect')}
						</p>
					) : null}
					{canSubmit ? null : <p className="muted">{t('need.form.submit_needs_admin')}</p>}
					<div className="row" style={{ alignItems: 'stretch' }}>
						<button type="submit" name="intent" value="save" className={canSubmit ? 'secondary' : undefined} disabled={busy} style={tapStyle}>
							{t('need.actions.save')}
						</button>
						{canSubmit ? (
							<button type="submit" name="intent" value="submit" disabled={busy} style={tapStyle}>
								{t('need.form.save_and_submit')}
							</button>
						) : null}
					</div>
				</Form>
			</section>
		</>
	)
}
