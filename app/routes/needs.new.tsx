import { type FieldMetadata, getCollectionProps, getFormProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import {
	type ActionFunctionArgs,
	type LoaderFunctionArgs,
	type MetaFunction,
	data,
	redirect,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorList, Field } from '#app/components/form.tsx'
import { MEASURES, NEED_CATEGORIES, URGENCIES } from '#app/models/marketplace-vocab.ts'
import { MAX_NEED_PHOTOS, NEED_DESCRIPTION_MAX, NEED_TITLE_MAX, NEED_UNIT_MAX, NeedSchema, type NeedValues } from '#app/models/need.schema.ts'
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

// True once React has hydrated, so fields that do not apply are hidden only when JavaScript is
// there to show them again (without it, every field shows, with hints).
let hydrating = true
function useHydrated() {
	const [hydrated, setHydrated] = useState(() => !hydrating)
	useEffect(() => {
		hydrating = false
		setHydrated(true)
	}, [])
	return hydrated
}

/** The create/edit form's shape as the browser posts it. */
export type NeedFormShape = {
	villageOrgId: string
	title: string
	description: string
	category: string
	measure: string
	amount: string
	quantity: string
	unit: string
	beneficiaries: string
	urgency: string
	neededBy: string
	photos: File[]
}
type NeedFields = { [K in keyof NeedFormShape]: FieldMetadata<NeedFormShape[K], NeedFormShape, string[]> }

export const tapStyle = { minHeight: 44 } as const
const choiceStyle = { display: 'flex', gap: 8, alignItems: 'center', fontWeight: 400, padding: '8px 4px', minHeight: 44 } as const
const fieldsetStyle = { border: '1px solid var(--line)', borderRadius: 6, padding: '4px 12px 8px', margin: '0 0 12px' } as const

function describedBy(...ids: Array<string | false | 0 | undefined>) {
	return ids.filter(Boolean).join(' ') || undefined
}

/** The need's fields, shared by the new and edit pages. Labels on every input; errors under each. */
export function NeedFields({ fields, today, photosMaxMb }: { fields: NeedFields; today: string; photosMaxMb?: number }) {
	const { t } = useTranslation()
	const hydrated = useHydrated()
	const measure = fields.measure.value
	// With JS and a measure chosen, only its fields show; without JS both do, with a hint.
	const show = (m: 'amount' | 'quantity') => !hydrated || !measure || measure === m
	const textareaErrors = fields.description.errors?.length ? fields.description.errorId : undefined
	return (
		<>
			<Field meta={fields.title} label={t('need.fields.title')} hint={t('need.fields.title_hint')} maxLength={NEED_TITLE_MAX} />

			<div className="field">
				<label htmlFor={fields.description.id}>{t('need.fields.description')}</label>
				<textarea
					{...getTextareaProps(fields.description, { ariaAttributes: true })}
					aria-describedby={describedBy(`${fields.description.id}-hint`, textareaErrors)}
					rows={6}
					maxLength={NEED_DESCRIPTION_MAX}
				/>
				<small id={`${fields.description.id}-hint`} className="hint">
					{t('need.fields.description_hint')}
				</small>
				<ErrorList id={fields.description.errorId} errors={fields.description.errors} />
			</div>

			<div className="field">
				<label htmlFor={fields.category.id}>{t('need.fields.category')}</label>
				<select {...getSelectProps(fields.category, { ariaAttributes: true })} style={tapStyle}>
					<option value="">{t('need.form.choose')}</option>
					{NEED_CATEGORIES.map((c) => (
						<option key={c} value={c}>
							{t(`vocab.category.${c}`)}
						</option>
					))}
				</select>
				<ErrorList id={fields.category.errorId} errors={fields.category.errors} />
			</div>

			<fieldset className="field" style={fieldsetStyle} aria-describedby={describedBy(!hydrated && `${fields.measure.id}-hint`, fields.measure.errors?.length && fields.measure.errorId)}>
				<legend style={{ fontWeight: 600, padding: '0 4px' }}>{t('need.fields.measure')}</legend>
				<div style={{ display: 'flex', flexWrap: 'wrap', gap: '0 16px' }}>
					{getCollectionProps(fields.measure, { type: 'radio', options: [...MEASURES] }).map(({ key, ...props }) => (
						<label key={key} htmlFor={props.id} style={choiceStyle}>
							<input {...props} style={{ width: 20, height: 20 }} />
							{t(`vocab.measure.${props.value}`)}
						</label>
					))}
				</div>
				{!hydrated ? (
					<small id={`${fields.measure.id}-hint`} className="hint">
						{t('need.form.measure_hint')}
					</small>
				) : null}
				<ErrorList id={fields.measure.errorId} errors={fields.measure.errors} />
			</fieldset>

			<div hidden={!show('amount')}>
				<Field meta={fields.amount} label={t('need.fields.amount')} hint={t('need.fields.amount_hint')} inputMode="decimal" maxLength={18} autoComplete="off" />
			</div>
			{/* `hidden` goes on a plain wrapper: the .row class's display would override it. */}
			<div hidden={!show('quantity')}>
				<div className="row" style={{ alignItems: 'flex-start' }}>
					<Field meta={fields.quantity} label={t('need.fields.quantity')} hint={t('need.fields.quantity_hint')} inputMode="numeric" maxLength={15} autoComplete="off" />
					<Field meta={fields.unit} label={t('need.fields.unit')} hint={t('need.fields.unit_hint')} maxLength={NEED_UNIT_MAX} />
				</div>
			</div>

			<Field meta={fields.beneficiaries} label={t('need.fields.beneficiaries')} hint={t('need.fields.beneficiaries_hint')} inputMode="numeric" maxLength={15} autoComplete="off" />

			<fieldset className="field" style={fieldsetStyle} aria-describedby={fields.urgency.errors?.length ? fields.urgency.errorId : undefined}>
				<legend style={{ fontWeight: 600, padding: '0 4px' }}>{t('need.fields.urgency')}</legend>
				<div style={{ display: 'flex', flexWrap: 'wrap', gap: '0 16px' }}>
					{getCollectionProps(fields.urgency, { type: 'radio', options: [...URGENCIES] }).map(({ key, ...props }) => (
						<label key={key} htmlFor={props.id} style={choiceStyle}>
							<input {...props} style={{ width: 20, height: 20 }} />
							{t(`vocab.urgency.${props.value}`)}
						</label>
					))}
				</div>
				<ErrorList id={fields.urgency.errorId} errors={fields.urgency.errors} />
			</fieldset>

			<Field meta={fields.neededBy} label={t('need.fields.needed_by')} hint={t('need.fields.needed_by_hint')} type="date" min={today} style={tapStyle} />

			{photosMaxMb ? <PhotoInput meta={fields.photos} maxMb={photosMaxMb} /> : <p className="muted">{t('need.form.photos_on_page')}</p>}
		</>
	)
}

/** A multiple-file input for need photos; the server checks type and size again. */
export function PhotoInput({ meta, maxMb, label }: { meta: { id: string; name: string; errorId: string; errors?: string[] }; maxMb: number; label?: string }) {
	const { t } = useTranslation()
	const hintId = `${meta.id}-hint`
	return (
		<div className="field">
			<label htmlFor={meta.id}>{label ?? t('need.fields.photos')}</label>
			<input
				id={meta.id}
				name={meta.name}
				type="file"
				multiple
				accept="image/jpeg,image/png,image/webp"
				aria-invalid={meta.errors?.length ? true : undefined}
				aria-describedby={describedBy(hintId, meta.errors?.length && meta.errorId)}
				style={tapStyle}
			/>
			<small id={hintId} className="hint">
				{t('need.fields.photos_hint', { max: MAX_NEED_PHOTOS, maxMb })}
			</small>
			<ErrorList id={meta.errorId} errors={meta.errors} />
		</div>
	)
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
