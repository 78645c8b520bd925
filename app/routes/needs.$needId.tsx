import { type SubmissionResult, getFormProps, getInputProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import {
	type ActionFunctionArgs,
	type LoaderFunctionArgs,
	type MetaFunction,
	data,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import type { Kysely } from 'kysely'
import type { DB, NeedStatus } from '#db/schema.ts'
import { CommitmentStatusTags, ProgressRow, SuggestionReasons } from '#app/components/commitment.tsx'
import { ErrorList } from '#app/components/form.tsx'
import { PhotoInput, tapStyle } from '#app/components/need-form.tsx'
import { CancelNeedSchema, CloseNeedSchema, MAX_NEED_PHOTOS, MarkDuplicateSchema, REVIEW_DECISIONS, ReviewNeedSchema, reconfirmNeedSchema } from '#app/models/need.schema.ts'
import {
	PUBLIC_NEED_STATUSES,
	cancelNeed,
	closeNeed,
	getNeed,
	listNeedEvents,
	markNeedDuplicate,
	reconfirmNeed,
	reviewNeed,
	submitNeed,
} from '#app/models/need.server.ts'
import { listCommitmentsForNeed } from '#app/models/commitment.server.ts'
import { PROVIDER_KINDS } from '#app/models/organization.schema.ts'
import { type Actor, governs, roleAtLeast } from '#app/models/policy.server.ts'
import { suggestOffersForNeed } from '#app/models/suggestion.server.ts'
import { MAX_UPLOAD_MB, addNeedPhoto, removeNeedPhoto } from '#app/models/upload.server.ts'
import { getRequestContext, requireActor } from '#app/utils/auth.server.ts'
import { DAY_MS, formatChinaDate } from '#app/utils/china-date.ts'
import { AppError, isAppError, msg } from '#app/utils/errors.ts'
import { formatMeasure, formatTarget, formatTime } from '#app/utils/format.ts'
import { notFound, replyWithError } from '#app/utils/http.server.ts'
import { tm } from '#app/utils/i18n-message.ts'
import { photoProblems, readPhotoForm, textValues } from '#app/utils/photo-form.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.need.title ?? '需求'} · 帮扶 Bangfu` }]

const NOTICES = ['created', 'submitted', 'updated'] as const
/** Only message keys travel in the URL; anything else falls back to a generic message. */
const MESSAGE_KEY = /^(errors|validation)\.[a-z_]+(\|\{[^}]{0,200}\})?$/

function flashFrom(url: URL) {
	const notice = url.searchParams.get('notice')
	const reasons = url.searchParams.getAll('photoError')
	const submitError = url.searchParams.get('submitError')
	return {
		notice: (NOTICES as readonly string[]).includes(notice ?? '') ? (notice as (typeof NOTICES)[number]) : null,
		photoFailures: url.searchParams
			.getAll('photoFailed')
			.slice(0, MAX_NEED_PHOTOS)
			.map((name, i) => ({ name: name.slice(0, 255), reason: MESSAGE_KEY.test(reasons[i] ?? '') ? reasons[i] : 'errors.upload_failed' })),
		submitError: submitError ? (MESSAGE_KEY.test(submitError) ? submitError : 'errors.invalid') : null,
	}
}

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await getRequestContext(request)
	const need = await getNeed(db, params.needId ?? '', actor)
	if (!need) notFound('errors.need_not_found')
	const events = await listNeedEvents(db, need.id, actor)
	// Who did what is for the village and the officials over it; the public sees what happened.
	const insider = !!actor && (need.viewer.isMember || governs(actor, need.villageCode))
	const flash = flashFrom(new URL(request.url))
	// Commitments are not public: the list holds only those the viewer may see (none when signed out).
	const commitments = actor ? await listCommitmentsForNeed(db, need.id, actor) : []
	const isProvider = !!actor?.memberships.some((m) => m.status === 'verified' && isProviderKind(m.kind))
	const suggestions = actor && need.status === 'published' && (insider || isProvider) ? await offerSuggestions(db, need.id, actor, need.viewer.canCommit) : []
	return {
		need: {
			id: need.id,
			title: need.title,
			description: need.description,
			category: need.category,
			measure: need.measure,
			target: need.target,
			unit: need.unit,
			beneficiaries: need.beneficiaries,
			urgency: need.urgency,
			neededBy: need.neededBy,
			status: need.status,
			statusNote: need.statusNote,
			villageCode: need.villageCode,
			villageName: need.villageName,
			villageOrgId: need.villageOrgId,
			orgName: need.orgName,
			createdAt: need.createdAt,
			submittedAt: need.submittedAt,
			reviewedAt: need.reviewedAt,
			publishedAt: need.publishedAt,
			closedAt: need.closedAt,
			duplicateOf: need.duplicateOf,
			duplicateOfNeed: need.duplicateOfNeed ?? null,
			photos: need.photos.map((p) => ({ id: p.id, originalName: p.originalName })),
			progress: need.progress,
		},
		viewer: need.viewer,
		isPublic: (PUBLIC_NEED_STATUSES as readonly string[]).includes(need.status),
		maxMb: MAX_UPLOAD_MB,
		events: events.map((e) => ({
			id: e.id,
			action: e.action,
			fromState: e.fromState,
			toState: e.toState,
			// Photo events note the upload id, which means nothing to a reader.
			note: e.action === 'add_photo' || e.action === 'remove_photo' ? '' : e.note,
			createdAt: e.createdAt,
			actorName: insider ? (e.actorName ?? null) : null,
			system: !e.actorName,
		})),
		// What the create form's redirect reports (photos that failed, a submit refused): for the village only.
		flash: need.viewer.isMember ? flash : { ...flash, photoFailures: [], submitError: null },
		tomorrow: formatChinaDate(Date.now() + DAY_MS),
		commitments: commitments.map((c) => ({
			id: c.id,
			providerName: c.providerName,
			amount: c.amount,
			deliveredAmount: c.deliveredAmount,
			status: c.status,
			overdue: c.overdue,
			dueAt: c.dueAt,
		})),
		suggestions,
	}
}

const isProviderKind = (kind: string) => (PROVIDER_KINDS as readonly string[]).includes(kind)

/**
 * The top offers for this need, with their reasons, and whether the viewer manages the offer's
 * provider (and so may pledge from it). Suggestions help; they never break the page.
 */
async function offerSuggestions(db: Kysely<DB>, needId: string, actor: Actor, canCommit: boolean) {
	try {
		const found = await suggestOffersForNeed(db, needId, { limit: 5 })
		const managed = new Set(actor.memberships.filter((m) => m.status === 'verified' && isProviderKind(m.kind) && roleAtLeast(m.role, 'admin')).map((m) => m.orgId))
		return found.map((s) => ({
			offerId: s.offerId,
			title: s.title,
			providerOrgId: s.providerOrgId,
			providerName: s.providerName,
			providerKind: s.providerKind,
			reasons: s.reasons,
			canUse: canCommit && managed.has(s.providerOrgId),
		}))
	} catch (error) {
		if (!isAppError(error)) console.error('offer suggestions failed', error)
		return []
	}
}

type ActionResult = { form: string | null; result: SubmissionResult<string[]> | null; notice: string | null; error: string | null }

function reply(body: Partial<ActionResult>, status = 200) {
	return data<ActionResult>({ form: null, result: null, notice: null, error: null, ...body }, { status })
}

type Replyable = Parameters<typeof replyWithError>[0]

/** replyWithError, keeping which form the errors belong to. */
function replyWithFormError(form: string, submission: Replyable, error: unknown) {
	const response = replyWithError(submission, error)
	return reply({ form, result: response.data.result }, response.init?.status ?? 400)
}

type Step = { schema: z.ZodType; run: (db: Kysely<DB>, needId: string, raw: Record<string, string>, actor: Actor) => Promise<unknown>; notice: (raw: Record<string, string>) => string }

const DECISION_NOTICE = { publish: 'need.messages.published', return: 'need.messages.returned', reject: 'need.messages.rejected' } as const

const STEPS: Record<string, Step> = {
	submit: { schema: z.object({}), run: (db, id, _raw, actor) => submitNeed(db, id, actor), notice: () => 'need.messages.submitted' },
	review: { schema: ReviewNeedSchema, run: reviewNeed, notice: (raw) => DECISION_NOTICE[raw.decision as keyof typeof DECISION_NOTICE] ?? 'need.messages.published' },
	close: { schema: CloseNeedSchema, run: closeNeed, notice: () => 'need.messages.closed' },
	cancel: { schema: CancelNeedSchema, run: cancelNeed, notice: () => 'need.messages.cancelled' },
	// A fresh schema each time: "after today" is read at parse time.
	reconfirm: { schema: z.lazy(() => reconfirmNeedSchema()), run: reconfirmNeed, notice: () => 'need.messages.reconfirmed' },
	duplicate: { schema: MarkDuplicateSchema, run: markNeedDuplicate, notice: () => 'need.messages.marked_duplicate' },
}

/** Which form on the page a post belongs to, so each form shows only its own errors. */
function formKey(intent: string, raw: Record<string, string>) {
	if (intent === 'review') return `review-${(REVIEW_DECISIONS as readonly string[]).includes(raw.decision) ? raw.decision : 'publish'}`
	if (intent === 'remove-photo') return `remove-photo-${raw.uploadId ?? ''}`
	return intent
}

// Every intent goes to the model, which checks permission and status in its own where; the
// viewer flags only decide which forms the page shows.
export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const needId = params.needId ?? ''
	const photoForm = await readPhotoForm(request)
	const { formData } = photoForm
	const raw = textValues(formData)
	const intent = raw.intent ?? ''
	const form = formKey(intent, raw)

	if (intent === 'add-photo' || intent === 'remove-photo') {
		const schema = intent === 'add-photo' ? z.object({}) : z.object({ uploadId: z.string({ error: 'validation.required' }).min(1, { error: 'validation.required' }) })
		const submission = parseWithZod(formData, { schema })
		if (submission.status !== 'success') return reply({ form, result: submission.reply() }, 400)
		const need = await getNeed(db, needId, actor)
		if (!need) return replyWithFormError(form, submission, AppError.notFound('errors.need_not_found'))
		try {
			if (intent === 'remove-photo') {
				if (!need.photos.some((p) => p.id === raw.uploadId)) throw AppError.notFound('errors.need_photo_not_in_need')
				await removeNeedPhoto(db, raw.uploadId, actor)
				return reply({ form, result: submission.reply({ resetForm: true }), notice: 'need.messages.photo_removed' })
			}
			const problems = await photoProblems(photoForm, need.photos.length, { required: true })
			if (problems.length) return reply({ form, result: submission.reply({ fieldErrors: { photos: problems } }) }, 400)
			const failed: string[] = []
			const reasons = new Set<string>()
			for (const photo of photoForm.photos) {
				try {
					await addNeedPhoto(db, needId, { bytes: new Uint8Array(await photo.arrayBuffer()), originalName: photo.name }, actor)
				} catch (error) {
					// Not allowed (or gone) is the same for every photo: report it once, for the form.
					if (!isAppError(error) || error.code !== 'invalid') throw error
					failed.push(photo.name)
					reasons.add(error.fields.photos ?? error.message)
				}
			}
			const added = photoForm.photos.length - failed.length
			if (!failed.length) return reply({ form, result: submission.reply({ resetForm: true }), notice: 'need.messages.photo_added' })
			const photos = [...reasons, ...failed.map((name) => msg('need.form.photo_bad_file', { name }))]
			return reply({ form, result: submission.reply({ fieldErrors: { photos } }), notice: added ? 'need.messages.photo_added' : null }, added ? 200 : 400)
		} catch (error) {
			return replyWithFormError(form, submission, error)
		}
	}

	const step = STEPS[intent]
	if (!step) return reply({ error: 'need.page.unknown_intent' }, 400)
	const submission = parseWithZod(formData, { schema: step.schema })
	if (submission.status !== 'success') return reply({ form, result: submission.reply() }, 400)
	try {
		await step.run(db, needId, raw, actor)
		return reply({ form, result: submission.reply({ resetForm: true }), notice: step.notice(raw) })
	} catch (error) {
		return replyWithFormError(form, submission, error)
	}
}

const TAG_CLASS: Record<NeedStatus, string> = {
	draft: 'pending',
	submitted: 'pending',
	returned: 'pending',
	rejected: 'rejected',
	published: 'verified',
	closed: 'verified',
	cancelled: 'rejected',
	expired: 'rejected',
	duplicate: 'rejected',
}

const FIELD_LABELS: Record<string, string> = {
	neededBy: 'need.fields.needed_by',
	photos: 'need.fields.photos',
	duplicateOf: 'need.prompts.duplicate_of',
	reason: 'need.prompts.cancel_reason',
	note: 'need.prompts.close_note',
	decision: 'need.review.title',
	uploadId: 'need.fields.photos',
}

const dlStyle = { display: 'grid', gridTemplateColumns: 'minmax(5em, max-content) 1fr', gap: '4px 16px', margin: 0 } as const
const ddStyle = { margin: 0, overflowWrap: 'anywhere' } as const

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>
type ActionData = ReturnType<typeof useActionData<typeof action>>

export default function NeedPage() {
	const { t, i18n } = useTranslation()
	const { need, viewer, isPublic, maxMb, events, flash, tomorrow, commitments, suggestions } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const lang = i18n.language
	const target = (n: number) => formatTarget(t, lang, need.measure, n, need.unit)
	const villageActions = viewer.canEdit || viewer.canSubmit || viewer.canReconfirm || viewer.canCancel
	const reviewActions = viewer.canReview || viewer.canMarkDuplicate || viewer.canClose
	const photoFormKey = actionData?.form?.startsWith('remove-photo-') ? actionData.form.slice('remove-photo-'.length) : null

	return (
		<>
			<p className="crumbs">
				<Link to="/needs">{t('need.list_title')}</Link> ›
			</p>
			<h1 style={{ overflowWrap: 'anywhere' }}>
				{need.title}{' '}
				<span className={`tag ${TAG_CLASS[need.status]}`} style={{ verticalAlign: 'middle' }}>
					{t(`vocab.need_status.${need.status}`)}
				</span>
			</h1>

			{flash.notice ? (
				<p className="notice" role="status">
					{t(`need.messages.${flash.notice}`)}
				</p>
			) : null}
			{flash.photoFailures.length ? (
				<div className="form-errors" role="alert">
					<p style={{ margin: 0 }}>{t('need.page.photos_failed')}</p>
					<ul className="errors">
						{flash.photoFailures.map((f, i) => (
							<li key={`${i}-${f.name}`}>{t('need.page.photo_failed_item', { name: f.name, reason: tm(t, f.reason) })}</li>
						))}
					</ul>
				</div>
			) : null}
			{flash.submitError ? (
				<p className="form-errors" role="alert">
					{t('need.page.submit_failed', { reason: tm(t, flash.submitError) })}
				</p>
			) : null}
			{actionData?.notice ? (
				<p className="notice" role="status">
					{tm(t, actionData.notice)}
				</p>
			) : null}
			{actionData?.error ? (
				<p className="form-errors" role="alert">
					{tm(t, actionData.error)}
				</p>
			) : null}

			<p>
				{t(`need.status_hint.${need.status}`)}
				{need.statusNote ? <> {t('need.detail.status_note', { note: need.statusNote })}</> : null}
			</p>
			{isPublic ? null : <p className="muted">{t('need.detail.private_hint')}</p>}
			{viewer.canCommit ? (
				<p>
					<Link to={`/commitments/new?need=${encodeURIComponent(need.id)}`} className="button" style={{ ...tapStyle, lineHeight: '28px', fontSize: '1.05rem' }}>
						{t('commitment.need_page.commit_button')}
					</Link>
				</p>
			) : null}
			{villageActions || reviewActions ? (
				<p>
					<a href="#actions" className="button secondary" style={{ ...tapStyle, lineHeight: '28px' }}>
						{t('need.page.jump_to_actions')}
					</a>
				</p>
			) : null}

			<section className="card">
				<dl style={dlStyle}>
					<dt>{t('need.detail.target')}</dt>
					<dd style={{ ...ddStyle, fontWeight: 700, fontSize: '1.15rem' }}>{target(need.target)}</dd>
					<dt>{t('need.detail.category')}</dt>
					<dd style={ddStyle}>{t(`vocab.category.${need.category}`)}</dd>
					<dt>{t('need.detail.beneficiaries')}</dt>
					<dd style={ddStyle}>{t('need.page.beneficiaries_value', { count: need.beneficiaries, formatted: need.beneficiaries.toLocaleString(lang) })}</dd>
					<dt>{t('need.detail.urgency')}</dt>
					<dd style={ddStyle}>{t(`vocab.urgency.${need.urgency}`)}</dd>
					<dt>{t('need.detail.needed_by')}</dt>
					<dd style={ddStyle}>
						<time dateTime={formatChinaDate(need.neededBy)}>{formatChinaDate(need.neededBy)}</time>
					</dd>
					<dt>{t('need.detail.village')}</dt>
					<dd style={ddStyle}>
						<Link to={`/regions/${need.villageCode}`}>{need.villageName}</Link>
					</dd>
					<dt>{t('need.detail.org')}</dt>
					<dd style={ddStyle}>
						<Link to={`/orgs/${need.villageOrgId}`}>{need.orgName}</Link>
					</dd>
					{need.duplicateOf ? (
						<>
							<dt>{t('need.detail.duplicate_of')}</dt>
							<dd style={ddStyle}>{need.duplicateOfNeed ? <Link to={`/needs/${need.duplicateOfNeed.id}`}>{need.duplicateOfNeed.title}</Link> : <code>{need.duplicateOf}</code>}</dd>
						</>
					) : null}
					{need.submittedAt ? (
						<>
							<dt>{t('need.detail.submitted_at')}</dt>
							<dd style={ddStyle}>{formatTime(need.submittedAt, lang)}</dd>
						</>
					) : null}
					{need.publishedAt ? (
						<>
							<dt>{t('need.detail.published_at')}</dt>
							<dd style={ddStyle}>{formatTime(need.publishedAt, lang)}</dd>
						</>
					) : null}
					{need.closedAt ? (
						<>
							<dt>{t('need.detail.closed_at')}</dt>
							<dd style={ddStyle}>{formatTime(need.closedAt, lang)}</dd>
						</>
					) : null}
					<dt>{t('need.page.need_id')}</dt>
					<dd style={ddStyle}>
						<code style={{ userSelect: 'all' }}>{need.id}</code>
					</dd>
				</dl>
				<h3>{t('need.fields.description')}</h3>
				{/* Plain text: line breaks kept by CSS, anything that looks like HTML stays text. */}
				{need.description ? <p style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 }}>{need.description}</p> : <p className="muted">{t('need.page.no_description')}</p>}
			</section>

			<section className="card" aria-labelledby="h-photos">
				<h2 id="h-photos" style={{ marginTop: 0 }}>
					{t('need.detail.photos')}
				</h2>
				{need.photos.length ? (
					<ul className="grid" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
						{need.photos.map((p, i) => (
							<li key={p.id}>
								<a href={`/uploads/${p.id}`}>
									<img
										src={`/uploads/${p.id}`}
										alt={t('need.page.photo_alt', { title: need.title, n: i + 1 })}
										loading="lazy"
										style={{ width: '100%', height: 200, objectFit: 'cover', borderRadius: 6, border: '1px solid var(--line)', display: 'block' }}
									/>
								</a>
								{viewer.canRemovePhoto ? (
									<RemovePhotoForm uploadId={p.id} n={i + 1} actionData={photoFormKey === p.id ? actionData : undefined} />
								) : null}
							</li>
						))}
					</ul>
				) : (
					<p className="muted">{t('need.detail.no_photos')}</p>
				)}
				{viewer.canAddPhoto ? (
					<AddPhotoForm maxMb={maxMb} actionData={actionData?.form === 'add-photo' ? actionData : undefined} />
				) : viewer.isMember && need.photos.length >= MAX_NEED_PHOTOS ? (
					<p className="muted">{t('need.page.photo_limit_reached', { max: MAX_NEED_PHOTOS })}</p>
				) : null}
			</section>

			<Progress need={need} />
			{commitments.length || (viewer.isMember && need.status === 'published') ? <NeedCommitments commitments={commitments} measure={need.measure} unit={need.unit} /> : null}
			{suggestions.length ? <Suggestions needId={need.id} suggestions={suggestions} /> : null}

			{villageActions || reviewActions ? (
				<section className="card" id="actions" aria-labelledby="h-actions">
					<h2 id="h-actions" style={{ marginTop: 0 }}>
						{t('need.page.actions_title')}
					</h2>
					{viewer.canEdit ? (
						<ActionBlock title={t('need.actions.edit')} hint={t('need.page.edit_hint')}>
							<Link to={`/needs/${need.id}/edit`} className="button secondary" style={{ ...tapStyle, lineHeight: '28px' }}>
								{t('need.actions.edit')}
							</Link>
						</ActionBlock>
					) : null}
					{viewer.canSubmit ? (
						<ActionForm id="submit" intent="submit" actionData={actionData} title={t('need.actions.submit')} hint={t('need.page.submit_hint')} submitLabel={t('need.actions.submit')} fields={[]} />
					) : null}
					{viewer.canReview ? (
						<>
							<ActionForm
								id="review-publish"
								intent="review"
								hidden={{ decision: 'publish' }}
								schema={ReviewNeedSchema}
								actionData={actionData}
								title={t('need.actions.publish')}
								hint={t('need.page.publish_hint')}
								submitLabel={t('need.actions.publish')}
								fields={[{ name: 'note', label: t('need.prompts.publish_note'), kind: 'textarea', maxLength: 500 }]}
							/>
							<ActionForm
								id="review-return"
								intent="review"
								hidden={{ decision: 'return' }}
								schema={ReviewNeedSchema}
								actionData={actionData}
								title={t('need.actions.return')}
								submitLabel={t('need.actions.return')}
								secondary
								fields={[{ name: 'reason', label: t('need.prompts.return_reason'), kind: 'textarea', maxLength: 500, required: true }]}
							/>
							<ActionForm
								id="review-reject"
								intent="review"
								hidden={{ decision: 'reject' }}
								schema={ReviewNeedSchema}
								actionData={actionData}
								title={t('need.actions.reject')}
								submitLabel={t('need.actions.reject')}
								secondary
								fields={[{ name: 'reason', label: t('need.prompts.reject_reason'), kind: 'textarea', maxLength: 500, required: true }]}
							/>
						</>
					) : null}
					{viewer.canReconfirm ? (
						<ActionForm
							id="reconfirm"
							intent="reconfirm"
							schema={reconfirmNeedSchema()}
							actionData={actionData}
							title={t('need.actions.reconfirm')}
							hint={t('need.page.reconfirm_hint')}
							submitLabel={t('need.actions.reconfirm')}
							fields={[{ name: 'neededBy', label: t('need.prompts.new_needed_by'), kind: 'date', min: tomorrow, required: true }]}
						/>
					) : null}
					{viewer.canClose ? (
						<ActionForm
							id="close"
							intent="close"
							schema={CloseNeedSchema}
							actionData={actionData}
							title={t('need.actions.close')}
							hint={t('need.page.close_hint')}
							submitLabel={t('need.actions.close')}
							secondary
							fields={[{ name: 'note', label: t('need.prompts.close_note'), kind: 'textarea', maxLength: 500, required: true }]}
						/>
					) : null}
					{viewer.canMarkDuplicate ? (
						<ActionForm
							id="duplicate"
							intent="duplicate"
							schema={MarkDuplicateSchema}
							actionData={actionData}
							title={t('need.actions.mark_duplicate')}
							hint={t('need.page.duplicate_hint')}
							submitLabel={t('need.actions.mark_duplicate')}
							secondary
							fields={[
								{ name: 'duplicateOf', label: t('need.prompts.duplicate_of'), kind: 'text', maxLength: 26, required: true, hint: t('need.prompts.duplicate_of_hint') },
								{ name: 'note', label: t('need.prompts.duplicate_note'), kind: 'textarea', maxLength: 500 },
							]}
						/>
					) : null}
					{viewer.canCancel ? (
						<ActionForm
							id="cancel"
							intent="cancel"
							schema={CancelNeedSchema}
							actionData={actionData}
							title={t('need.actions.cancel')}
							hint={t('need.page.cancel_hint')}
							submitLabel={t('need.actions.cancel')}
							secondary
							fields={[{ name: 'reason', label: t('need.prompts.cancel_reason'), kind: 'textarea', maxLength: 500, required: true }]}
						/>
					) : null}
				</section>
			) : null}

			<Timeline events={events} />
		</>
	)
}

function Progress({ need }: { need: LoaderData['need'] }) {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	const { progress } = need
	const target = (n: number) => formatTarget(t, lang, need.measure, n, need.unit)
	const ofTarget = (n: number) => t('commitment.need_page.of_target', { value: target(n), target: target(need.target) })
	const remaining = Math.max(need.target - progress.committed, 0)
	return (
		<section className="card" aria-labelledby="h-progress">
			<h2 id="h-progress" style={{ marginTop: 0 }}>
				{t('need.detail.progress')}
			</h2>
			<ProgressRow label={t('need.detail.committed')} value={progress.committed} target={need.target} text={ofTarget(progress.committed)} />
			<ProgressRow label={t('need.detail.delivered')} value={progress.delivered} target={need.target} text={ofTarget(progress.delivered)} />
			<ProgressRow label={t('need.detail.verified')} value={progress.verified} target={need.target} text={ofTarget(progress.verified)} />
			<dl style={dlStyle}>
				<dt>{t('need.detail.coverage')}</dt>
				<dd style={ddStyle}>
					<span className={`tag ${progress.coverage === 'full' ? 'verified' : progress.coverage === 'partial' ? 'pending' : ''}`}>{t(`need.level.${progress.coverage}`)}</span>
					{remaining > 0 ? <span className="muted"> {t('commitment.need_page.remaining', { remaining: target(remaining) })}</span> : null}
				</dd>
				<dt>{t('need.detail.delivery')}</dt>
				<dd style={ddStyle}>
					<span className={`tag ${progress.delivery === 'full' ? 'verified' : progress.delivery === 'partial' ? 'pending' : ''}`}>{t(`need.level.${progress.delivery}`)}</span>
				</dd>
			</dl>
			<p className="muted" style={{ margin: '8px 0 0' }}>
				{t('commitment.need_page.counting_hint')}
			</p>
			<h3>{t('commitment.detail.helpers')}</h3>
			{progress.helpers.length ? (
				<ul className="plain">
					{progress.helpers.map((h) => (
						<li key={h.orgId} style={{ display: 'flex', flexWrap: 'wrap', justifyContent: 'space-between', gap: '0 12px', overflowWrap: 'anywhere' }}>
							<Link to={`/orgs/${h.orgId}`}>{h.name}</Link>
							<strong>{target(h.amount)}</strong>
						</li>
					))}
				</ul>
			) : (
				<p className="muted" style={{ marginBottom: 0 }}>
					{t('commitment.detail.helpers_empty')}
				</p>
			)}
		</section>
	)
}

function NeedCommitments({ commitments, measure, unit }: { commitments: LoaderData['commitments']; measure: string; unit: string | null }) {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	return (
		<section className="card" aria-labelledby="h-commitments">
			<h2 id="h-commitments" style={{ marginTop: 0 }}>
				{t('commitment.need_list_title')}
			</h2>
			{commitments.length ? (
				<ul className="plain">
					{commitments.map((c) => (
						<li key={c.id} style={{ padding: '8px 0', background: c.overdue ? '#fff5f5' : undefined }}>
							<Link to={`/commitments/${c.id}`} style={{ fontWeight: 600, overflowWrap: 'anywhere', display: 'inline-block', padding: '6px 0' }}>
								{c.providerName}
							</Link>{' '}
							<CommitmentStatusTags status={c.status} overdue={c.overdue} />
							<div className="muted">
								{t('commitment.detail.amount')} {formatMeasure(measure, c.amount, unit, lang)}
								{c.deliveredAmount !== null ? ` · ${t('commitment.detail.delivered_amount')} ${formatMeasure(measure, c.deliveredAmount, unit, lang)}` : null}
								{' · '}
								{t('commitment.detail.due_at')} <time dateTime={formatChinaDate(c.dueAt)}>{formatChinaDate(c.dueAt)}</time>
							</div>
						</li>
					))}
				</ul>
			) : (
				<p className="muted" style={{ marginBottom: 0 }}>
					{t('commitment.empty')}
				</p>
			)}
			<p className="muted" style={{ marginBottom: 0 }}>
				{t('commitment.need_page.list_private')}
			</p>
		</section>
	)
}

function Suggestions({ needId, suggestions }: { needId: string; suggestions: LoaderData['suggestions'] }) {
	const { t } = useTranslation()
	return (
		<section className="card" aria-labelledby="h-suggestions">
			<h2 id="h-suggestions" style={{ marginTop: 0 }}>
				{t('commitment.need_page.suggestions_title')}
			</h2>
			<p className="muted">{t('commitment.need_page.suggestions_intro')}</p>
			<ol style={{ paddingLeft: '1.4em', margin: 0 }}>
				{suggestions.map((s) => (
					<li key={s.offerId} style={{ padding: '8px 0', borderBottom: '1px dashed var(--line)' }}>
						<Link to={`/offers/${s.offerId}`} style={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
							{s.title}
						</Link>
						<div className="muted" style={{ overflowWrap: 'anywhere' }}>
							{s.providerName} · {t(`vocab.org_kind.${s.providerKind}`)}
						</div>
						<SuggestionReasons reasons={s.reasons} />
						{s.canUse ? (
							<p style={{ margin: '6px 0 0' }}>
								<Link
									to={`/commitments/new?${new URLSearchParams({ need: needId, offer: s.offerId })}`}
									className="button secondary"
									style={{ ...tapStyle, lineHeight: '28px' }}
								>
									{t('commitment.need_page.use_offer')}
								</Link>
							</p>
						) : null}
					</li>
				))}
			</ol>
		</section>
	)
}

function ActionBlock({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
	return (
		<div style={{ borderTop: '1px solid var(--line)', padding: '12px 0' }}>
			<h3 style={{ margin: '0 0 4px' }}>{title}</h3>
			{hint ? <p className="muted" style={{ margin: '0 0 8px' }}>{hint}</p> : null}
			{children}
		</div>
	)
}

type FieldSpec = { name: string; label: string; kind: 'text' | 'textarea' | 'date'; maxLength?: number; min?: string; required?: boolean; hint?: string }

/** Errors of fields this form has no input for (e.g. the needed-by date when submitting). */
function OtherErrors({ result, shown }: { result: SubmissionResult<string[]> | null | undefined; shown: string[] }) {
	const { t } = useTranslation()
	const other = Object.entries(result?.error ?? {}).filter(([name, errors]) => name !== '' && !shown.includes(name) && errors?.length)
	if (!other.length) return null
	return (
		<ul className="errors" role="alert">
			{other.flatMap(([name, errors]) =>
				(errors ?? []).map((e) => <li key={`${name}-${e}`}>{t('need.page.field_error', { field: FIELD_LABELS[name] ? t(FIELD_LABELS[name]) : name, message: tm(t, e) })}</li>),
			)}
		</ul>
	)
}

/** One action as its own small form: an `intent`, a few fields, its own errors only. */
function ActionForm({
	id,
	intent,
	hidden = {},
	schema,
	fields: specs,
	actionData,
	title,
	hint,
	submitLabel,
	secondary,
}: {
	id: string
	intent: string
	hidden?: Record<string, string>
	schema?: z.ZodType
	fields: FieldSpec[]
	actionData: ActionData
	title: string
	hint?: string
	submitLabel: string
	secondary?: boolean
}) {
	const navigation = useNavigation()
	const mine = actionData?.form === id ? actionData : undefined
	const [form, fields] = useForm<Record<string, string>, unknown>({
		id: `need-${id}`,
		lastResult: mine?.result ?? undefined,
		onValidate: schema ? ({ formData }) => parseWithZod(formData, { schema }) : undefined,
		shouldValidate: 'onSubmit',
		shouldRevalidate: 'onInput',
	})
	const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === intent
	return (
		<ActionBlock title={title} hint={hint}>
			<Form method="post" {...getFormProps(form)} className="narrow">
				<input type="hidden" name="intent" value={intent} />
				{Object.entries(hidden).map(([name, value]) => (
					<input key={name} type="hidden" name={name} value={value} />
				))}
				<ErrorList id={form.errorId} errors={form.errors} />
				<OtherErrors result={mine?.result} shown={specs.map((s) => s.name)} />
				{specs.map((spec) => {
					const meta = fields[spec.name]
					const hintId = spec.hint ? `${meta.id}-hint` : undefined
					const describedBy = [hintId, meta.errors?.length ? meta.errorId : undefined].filter(Boolean).join(' ') || undefined
					return (
						<div key={spec.name} className="field">
							<label htmlFor={meta.id}>{spec.label}</label>
							{spec.kind === 'textarea' ? (
								<textarea {...getTextareaProps(meta, { ariaAttributes: true })} aria-describedby={describedBy} rows={3} maxLength={spec.maxLength} required={spec.required} />
							) : (
								<input
									{...getInputProps(meta, { type: spec.kind, ariaAttributes: true })}
									aria-describedby={describedBy}
									maxLength={spec.maxLength}
									min={spec.min}
									required={spec.required}
									style={tapStyle}
								/>
							)}
							{spec.hint ? (
								<small id={hintId} className="hint">
									{spec.hint}
								</small>
							) : null}
							<ErrorList id={meta.errorId} errors={meta.errors} />
						</div>
					)
				})}
				<button type="submit" className={secondary ? 'secondary' : undefined} disabled={busy} style={tapStyle}>
					{submitLabel}
				</button>
			</Form>
		</ActionBlock>
	)
}

function AddPhotoForm({ maxMb, actionData }: { maxMb: number; actionData: ActionData | undefined }) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const [form, fields] = useForm<{ photos: File[] }>({ id: 'need-add-photo', lastResult: actionData?.result ?? undefined, shouldValidate: 'onSubmit' })
	const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'add-photo'
	return (
		<Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="narrow" style={{ marginTop: 16 }}>
			<input type="hidden" name="intent" value="add-photo" />
			<ErrorList id={form.errorId} errors={form.errors} />
			<PhotoInput meta={fields.photos} maxMb={maxMb} />
			<button type="submit" disabled={busy} style={tapStyle}>
				{t('need.actions.add_photo')}
			</button>
		</Form>
	)
}

function RemovePhotoForm({ uploadId, n, actionData }: { uploadId: string; n: number; actionData: ActionData | undefined }) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const busy = navigation.state === 'submitting' && navigation.formData?.get('uploadId') === uploadId
	const errors = [...(actionData?.result?.error?.[''] ?? []), ...(actionData?.result?.error?.uploadId ?? [])]
	return (
		<Form method="post" style={{ marginTop: 4 }}>
			<input type="hidden" name="intent" value="remove-photo" />
			<input type="hidden" name="uploadId" value={uploadId} />
			<button type="submit" className="secondary" disabled={busy} style={tapStyle}>
				{t('need.page.remove_photo_label', { n })}
			</button>
			<ErrorList errors={errors} />
		</Form>
	)
}

function Timeline({ events }: { events: LoaderData['events'] }) {
	const { t, i18n } = useTranslation()
	return (
		<section className="card" aria-labelledby="h-timeline">
			<h2 id="h-timeline" style={{ marginTop: 0 }}>
				{t('need.detail.timeline')}
			</h2>
			{events.length ? (
				<ol className="plain" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
					{events.map((e) => (
						<li key={e.id} style={{ padding: '6px 0', borderBottom: '1px dashed var(--line)' }}>
							<strong>{i18n.exists(`need.events.${e.action}`) ? t(`need.events.${e.action}`) : e.action}</strong>
							{e.fromState && e.toState && e.fromState !== e.toState ? (
								<span className="muted">
									{' '}
									({t('need.page.state_change', { from: t(`vocab.need_status.${e.fromState}`), to: t(`vocab.need_status.${e.toState}`) })})
								</span>
							) : null}
							{e.note ? <div style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{e.note}</div> : null}
							<div className="muted">
								<time dateTime={new Date(e.createdAt).toISOString()}>{formatTime(e.createdAt, i18n.language)}</time>
								{e.system ? ` · ${t('need.events.system')}` : e.actorName ? ` · ${e.actorName}` : null}
							</div>
						</li>
					))}
				</ol>
			) : (
				<p className="muted">{t('need.page.timeline_empty')}</p>
			)}
		</section>
	)
}
