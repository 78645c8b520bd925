// One commitment: its state and figures, milestones, progress updates with evidence, feedback and
// timeline, and one small form per action the viewer may take (one action, `intent`). The viewer
// flags only decide which forms show; every write goes through the model, which checks who and
// what state in its own where. Commitments are not public: signed-out visitors go to the login.
import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { Fragment, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import type { Kysely } from 'kysely'
import type { DB, Measure } from '#db/schema.ts'
import { CommitmentStatusTags } from '#app/components/commitment.tsx'
import { ErrorList } from '#app/components/form.tsx'
import { tapStyle } from '#app/components/need-form.tsx'
import {
	CommitmentUpdateSchema,
	DeclineCommitmentSchema,
	DisputeCommitmentSchema,
	FEEDBACK_COMMENT_MAX,
	FEEDBACK_SIDES,
	FeedbackSchema,
	MILESTONE_TITLE_MAX,
	UPDATE_BODY_MAX,
	VerifyCommitmentSchema,
	WithdrawCommitmentSchema,
	confirmDeliverySchema,
	milestoneSchema,
} from '#app/models/commitment.schema.ts'
import {
	acceptCommitment,
	addMilestone,
	confirmDelivery,
	confirmMilestone,
	declineCommitment,
	disputeCommitment,
	type CommitmentDetail,
	getCommitment,
	giveFeedback,
	listCommitmentEvents,
	postCommitmentUpdate,
	startDelivery,
	verifyCommitment,
	withdrawCommitment,
} from '#app/models/commitment.server.ts'
import type { Actor } from '#app/models/policy.server.ts'
import { MAX_EVIDENCE_FILES, MAX_EVIDENCE_MB } from '#app/models/upload.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { AppError } from '#app/utils/errors.ts'
import { EVIDENCE_FIELD, evidenceFiles, evidenceProblems, readEvidenceForm } from '#app/utils/evidence-form.server.ts'
import { formatMeasure, formatTime } from '#app/utils/format.ts'
import { notFound, replyWithError } from '#app/utils/http.server.ts'
import { tm } from '#app/utils/i18n-message.ts'
import { textValues } from '#app/utils/photo-form.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.commitment.needTitle ?? '帮扶承诺'} · 帮扶承诺 · 帮扶 Bangfu` }]

const FLASH_NOTICES = ['created', 'replayed'] as const
/** System notes that say nothing to a reader (the event's name already does). */
const SILENT_NOTES = new Set(['both sides gave feedback'])

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const c = await getCommitment(db, params.commitmentId ?? '', actor)
	if (!c) notFound('errors.commitment_not_found')
	const events = await listCommitmentEvents(db, c.id, actor)
	const notice = new URL(request.url).searchParams.get('notice')
	return {
		commitment: {
			id: c.id,
			needId: c.needId,
			needTitle: c.needTitle,
			needStatus: c.needStatus,
			measure: c.measure,
			unit: c.unit,
			offerId: c.offerId,
			offerTitle: c.offerTitle,
			providerOrgId: c.providerOrgId,
			providerName: c.providerName,
			providerKind: c.providerKind,
			villageOrgId: c.villageOrgId,
			villageOrgName: c.villageOrgName,
			villageCode: c.villageCode,
			villageName: c.villageName,
			amount: c.amount,
			deliveredAmount: c.deliveredAmount,
			status: c.status,
			overdue: c.overdue,
			message: c.message,
			statusReason: c.statusReason,
			dueAt: c.dueAt,
			lapseAt: Number(c.lapseAt),
			createdAt: Number(c.createdAt),
			acceptedAt: c.acceptedAt === null ? null : Number(c.acceptedAt),
			deliveryStartedAt: c.deliveryStartedAt === null ? null : Number(c.deliveryStartedAt),
			deliveredAt: c.deliveredAt === null ? null : Number(c.deliveredAt),
			verifiedAt: c.verifiedAt === null ? null : Number(c.verifiedAt),
			closedAt: c.closedAt === null ? null : Number(c.closedAt),
			milestones: c.milestones.map((m) => ({ id: m.id, title: m.title, dueAt: m.dueAt, share: m.share, status: m.status, confirmedAt: m.confirmedAt === null ? null : Number(m.confirmedAt) })),
			shareRemaining: c.shareRemaining,
			updates: c.updates.map((u) => ({
				id: u.id,
				body: u.body,
				milestoneId: u.milestoneId,
				authorName: u.authorName,
				createdAt: Number(u.createdAt),
				evidence: u.evidence.map((e) => ({ id: e.id, kind: e.kind, byteSize: Number(e.byteSize), originalName: e.originalName })),
			})),
			feedback: {
				village: c.feedback.village ? { rating: Number(c.feedback.village.rating), comment: c.feedback.village.comment, createdAt: Number(c.feedback.village.createdAt) } : null,
				provider: c.feedback.provider ? { rating: Number(c.feedback.provider.rating), comment: c.feedback.provider.comment, createdAt: Number(c.feedback.provider.createdAt) } : null,
			},
		},
		viewer: c.viewer,
		events: events.map((e) => ({
			id: e.id,
			action: e.action,
			fromState: e.fromState,
			toState: e.toState,
			note: SILENT_NOTES.has(e.note ?? '') ? '' : (e.note ?? ''),
			createdAt: Number(e.createdAt),
			// Everyone who may see a commitment is one of its parties or an official over it.
			actorName: e.actorName ?? null,
		})),
		notice: (FLASH_NOTICES as readonly string[]).includes(notice ?? '') ? `commitment.messages.${notice}` : null,
		today: formatChinaDate(Date.now()),
		maxMb: MAX_EVIDENCE_MB,
		maxFiles: MAX_EVIDENCE_FILES,
	}
}

// ---------------------------------------------------------------------------------------------
// Action

type ActionResult = { form: string | null; result: SubmissionResult<string[]> | null; notices: string[]; error: string | null; filesLost: boolean }

function reply(body: Partial<ActionResult>, status = 200) {
	return data<ActionResult>({ form: null, result: null, notices: [], error: null, filesLost: false, ...body }, { status })
}

type Replyable = Parameters<typeof replyWithError>[0]

function replyWithFormError(form: string, submission: Replyable, error: unknown, extra: Partial<ActionResult> = {}) {
	const response = replyWithError(submission, error)
	return reply({ form, result: response.data.result, ...extra }, response.init?.status ?? 400)
}

type StepContext = { db: Kysely<DB>; id: string; raw: Record<string, string>; actor: Actor; measure: () => Promise<Measure> }
type Step = { schema: (ctx: StepContext) => Promise<z.ZodType> | z.ZodType; run: (ctx: StepContext) => Promise<string[]> }

const MilestoneIdSchema = z.object({ milestoneId: z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }).max(26, { error: 'errors.milestone_not_found' }) })
const NoFields = z.object({})

const STEPS: Record<string, Step> = {
	accept: { schema: () => NoFields, run: async ({ db, id, actor }) => (await acceptCommitment(db, id, actor), ['commitment.messages.accepted']) },
	decline: { schema: () => DeclineCommitmentSchema, run: async ({ db, id, raw, actor }) => (await declineCommitment(db, id, raw, actor), ['commitment.messages.declined']) },
	withdraw: { schema: () => WithdrawCommitmentSchema, run: async ({ db, id, raw, actor }) => (await withdrawCommitment(db, id, raw, actor), ['commitment.messages.withdrawn']) },
	start: { schema: () => NoFields, run: async ({ db, id, actor }) => (await startDelivery(db, id, actor), ['commitment.messages.started']) },
	// A fresh schema each time: "not in the past" is read at parse time.
	'add-milestone': { schema: () => milestoneSchema(), run: async ({ db, id, raw, actor }) => (await addMilestone(db, id, raw, actor), ['commitment.messages.milestone_added']) },
	'confirm-milestone': {
		schema: () => MilestoneIdSchema,
		run: async ({ db, id, raw, actor }) => (await confirmMilestone(db, id, raw.milestoneId ?? '', actor), ['commitment.messages.milestone_confirmed']),
	},
	'confirm-delivery': {
		schema: async ({ measure }) => confirmDeliverySchema({ measure: await measure() }),
		run: async ({ db, id, raw, actor }) => (await confirmDelivery(db, id, raw, actor), ['commitment.messages.delivered']),
	},
	verify: {
		schema: () => VerifyCommitmentSchema,
		run: async ({ db, id, raw, actor }) => {
			const result = await verifyCommitment(db, id, raw, actor)
			return 'needClosed' in result && result.needClosed === true ? ['commitment.messages.verified', 'commitment.messages.need_closed'] : ['commitment.messages.verified']
		},
	},
	dispute: { schema: () => DisputeCommitmentSchema, run: async ({ db, id, raw, actor }) => (await disputeCommitment(db, id, raw, actor), ['commitment.messages.disputed']) },
	feedback: {
		schema: () => FeedbackSchema,
		run: async ({ db, id, raw, actor }) => ((await giveFeedback(db, id, raw, actor)).closed ? ['commitment.messages.feedback_given', 'commitment.messages.closed'] : ['commitment.messages.feedback_given']),
	},
}

/** Which form on the page a post belongs to, so each form shows only its own errors. */
function formKey(intent: string, raw: Record<string, string>) {
	if (intent === 'confirm-milestone') return `confirm-milestone-${raw.milestoneId ?? ''}`
	if (intent === 'feedback') return `feedback-${raw.side ?? ''}`
	return intent
}

export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const id = params.commitmentId ?? ''
	const evidenceForm = await readEvidenceForm(request)
	const { formData } = evidenceForm
	const raw = textValues(formData)
	const intent = raw.intent ?? ''
	// Read once, and only by the intents that need it (the measure, the viewer's side).
	let cached: Promise<CommitmentDetail | undefined> | undefined
	const load = () => (cached ??= getCommitment(db, id, actor))

	if (intent === 'feedback' && !raw.side) {
		// The side is the viewer's: the village's managers rate the provider, and the other way round.
		const c = await load()
		raw.side = c?.viewer.canGiveFeedback.village ? 'village' : c?.viewer.canGiveFeedback.provider || c?.viewer.isProvider ? 'provider' : 'village'
		formData.set('side', raw.side)
	}
	const form = formKey(intent, raw)

	if (intent === 'post-update') {
		const filesChosen = evidenceForm.files.length + evidenceForm.oversized.length > 0 || evidenceForm.tooMany
		const submission = parseWithZod(formData, { schema: CommitmentUpdateSchema })
		const problems = await evidenceProblems(evidenceForm)
		if (submission.status !== 'success' || problems.length) {
			return reply({ form, result: submission.reply(problems.length ? { fieldErrors: { [EVIDENCE_FIELD]: problems } } : {}), filesLost: filesChosen }, 400)
		}
		try {
			await postCommitmentUpdate(db, id, raw, await evidenceFiles(evidenceForm), actor)
			return reply({ form, result: submission.reply({ resetForm: true }), notices: ['commitment.messages.update_posted'] })
		} catch (error) {
			return replyWithFormError(form, submission, error, { filesLost: filesChosen })
		}
	}

	const step = STEPS[intent]
	if (!step) return reply({ error: 'commitment.page.unknown_intent' }, 400)
	const ctx: StepContext = {
		db,
		id,
		raw,
		actor,
		measure: async () => {
			const c = await load()
			if (!c) throw AppError.notFound('errors.commitment_not_found')
			return c.measure
		},
	}
	let schema: z.ZodType
	try {
		schema = await step.schema(ctx)
	} catch (error) {
		const submission = parseWithZod(formData, { schema: NoFields })
		return replyWithFormError(form, submission, error)
	}
	const submission = parseWithZod(formData, { schema })
	if (submission.status !== 'success') return reply({ form, result: submission.reply() }, 400)
	try {
		const notices = await step.run(ctx)
		return reply({ form, result: submission.reply({ resetForm: true }), notices })
	} catch (error) {
		return replyWithFormError(form, submission, error)
	}
}

// ---------------------------------------------------------------------------------------------
// Page

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>
type ActionData = ReturnType<typeof useActionData<typeof action>>
type Commitment = LoaderData['commitment']

const FIELD_LABELS: Record<string, string> = {
	reason: 'commitment.fields.reason',
	note: 'commitment.fields.note',
	title: 'commitment.fields.milestone_title',
	dueAt: 'commitment.fields.milestone_due_at',
	share: 'commitment.fields.milestone_share',
	body: 'commitment.fields.update_body',
	milestoneId: 'commitment.fields.update_milestone',
	evidence: 'commitment.fields.evidence',
	deliveredAmount: 'commitment.fields.delivered_amount',
	rating: 'commitment.fields.rating',
	comment: 'commitment.fields.comment',
	side: 'commitment.page.feedback_side',
}

/** The evidence input's name; the action reads the same field (EVIDENCE_FIELD, server-only). */
const EVIDENCE_INPUT = 'evidence'

// Labels wrap past 8em, so a long one does not squeeze the values on a phone.
const dlStyle = { display: 'grid', gridTemplateColumns: 'fit-content(8em) 1fr', gap: '4px 16px', margin: 0 } as const
const ddStyle = { margin: 0, overflowWrap: 'anywhere' } as const
const buttonLink = { ...tapStyle, lineHeight: '28px' } as const

/** A figure as the form takes it back: yuan without separators (fen → "1234.5"), or whole units. */
function figureInput(measure: Measure, value: number): string {
	if (measure !== 'amount') return String(value)
	return value % 100 === 0 ? String(value / 100) : (value / 100).toFixed(2)
}

function fileSize(bytes: number, lang: string): string {
	const nf = (n: number) => n.toLocaleString(lang === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 1 })
	return bytes >= 1024 * 1024 ? `${nf(bytes / 1024 / 1024)} MB` : `${nf(Math.max(bytes / 1024, 0.1))} KB`
}

export default function CommitmentPage() {
	const { t, i18n } = useTranslation()
	const { commitment: c, viewer, events, notice, today, maxMb, maxFiles } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const lang = i18n.language
	const figure = (n: number) => formatMeasure(c.measure, n, c.unit, lang)
	const mine = (id: string) => (actionData?.form === id ? actionData : undefined)
	const notices = [...(notice ? [notice] : []), ...(actionData?.notices ?? [])]
	const transitions = viewer.canAccept || viewer.canDecline || viewer.canStart || viewer.canConfirmDelivery || viewer.canVerify || viewer.canDispute || viewer.canWithdraw

	return (
		<>
			<p className="crumbs">
				<Link to="/commitments">{t('commitment.list_title')}</Link> › <Link to={`/needs/${c.needId}`}>{c.needTitle}</Link> ›
			</p>
			<h1 style={{ overflowWrap: 'anywhere' }}>
				{t('commitment.page.title', { provider: c.providerName })}{' '}
				<span style={{ verticalAlign: 'middle', fontSize: '1rem' }}>
					<CommitmentStatusTags status={c.status} overdue={c.overdue} />
				</span>
			</h1>

			{notices.map((n) => (
				<p key={n} className="notice" role="status">
					{tm(t, n)}
				</p>
			))}
			{actionData?.error ? (
				<p className="form-errors" role="alert">
					{tm(t, actionData.error)}
				</p>
			) : null}

			<p>
				{t(`commitment.status_hint.${c.status}`)}
				{c.statusReason && ['declined', 'withdrawn', 'disputed'].includes(c.status) ? (
					<>
						{' '}
						<strong style={{ overflowWrap: 'anywhere' }}>{t('commitment.detail.status_reason', { reason: c.statusReason })}</strong>
					</>
				) : null}
			</p>
			{c.overdue ? (
				<p className="form-errors" role="status">
					{t('commitment.status_hint.overdue')}
				</p>
			) : null}

			{transitions ? (
				<section className="card" id="actions" aria-labelledby="h-actions">
					<h2 id="h-actions" style={{ marginTop: 0 }}>
						{t('commitment.page.actions_title')}
					</h2>
					{viewer.canAccept ? (
						<ActionForm id="accept" intent="accept" actionData={mine('accept')} title={t('commitment.actions.accept')} hint={t('commitment.prompts.accept_confirm', { amount: figure(c.amount) })} submitLabel={t('commitment.actions.accept')} fields={[]} />
					) : null}
					{viewer.canDecline ? (
						<ActionForm
							id="decline"
							intent="decline"
							schema={DeclineCommitmentSchema}
							actionData={mine('decline')}
							title={t('commitment.actions.decline')}
							submitLabel={t('commitment.actions.decline')}
							secondary
							fields={[{ name: 'reason', label: t('commitment.prompts.decline_reason'), kind: 'textarea', maxLength: 500, required: true }]}
						/>
					) : null}
					{viewer.canStart ? (
						<ActionForm id="start" intent="start" actionData={mine('start')} title={t('commitment.actions.start')} hint={t('commitment.page.start_hint')} submitLabel={t('commitment.actions.start')} fields={[]} />
					) : null}
					{viewer.canConfirmDelivery ? (
						<ActionForm
							id="confirm-delivery"
							intent="confirm-delivery"
							schema={confirmDeliverySchema({ measure: c.measure })}
							defaults={{ deliveredAmount: figureInput(c.measure, c.amount) }}
							actionData={mine('confirm-delivery')}
							title={t('commitment.actions.confirm_delivery')}
							hint={t('commitment.page.confirm_delivery_hint', { amount: figure(c.amount) })}
							submitLabel={t('commitment.actions.confirm_delivery')}
							fields={[
								{
									name: 'deliveredAmount',
									label: c.measure === 'amount' ? t('commitment.page.delivered_amount_yuan') : t('commitment.page.delivered_quantity', { unit: c.unit ?? '' }),
									kind: c.measure === 'amount' ? 'decimal' : 'numeric',
									maxLength: 18,
									required: true,
									hint: t('commitment.fields.delivered_amount_hint'),
								},
							]}
						/>
					) : null}
					{viewer.canVerify ? (
						<ActionForm
							id="verify"
							intent="verify"
							schema={VerifyCommitmentSchema}
							actionData={mine('verify')}
							title={t('commitment.actions.verify')}
							hint={t('commitment.page.verify_hint', { amount: figure(c.deliveredAmount ?? 0) })}
							submitLabel={t('commitment.actions.verify')}
							fields={[{ name: 'note', label: t('commitment.prompts.verify_note'), kind: 'textarea', maxLength: 500 }]}
						/>
					) : null}
					{viewer.canDispute ? (
						<ActionForm
							id="dispute"
							intent="dispute"
							schema={DisputeCommitmentSchema}
							actionData={mine('dispute')}
							title={t('commitment.actions.dispute')}
							submitLabel={t('commitment.actions.dispute')}
							secondary
							fields={[{ name: 'reason', label: t('commitment.prompts.dispute_reason'), kind: 'textarea', maxLength: 500, required: true }]}
						/>
					) : null}
					{viewer.canWithdraw ? (
						<ActionForm
							id="withdraw"
							intent="withdraw"
							schema={WithdrawCommitmentSchema}
							actionData={mine('withdraw')}
							title={t('commitment.actions.withdraw')}
							hint={t('commitment.page.withdraw_hint')}
							submitLabel={t('commitment.actions.withdraw')}
							secondary
							fields={[{ name: 'reason', label: t('commitment.prompts.withdraw_reason'), kind: 'textarea', maxLength: 500, required: true }]}
						/>
					) : null}
				</section>
			) : null}

			<Details c={c} />
			<Milestones c={c} viewer={viewer} actionData={actionData} today={today} />
			<Updates c={c} canPost={viewer.canPostUpdate} actionData={mine('post-update')} maxMb={maxMb} maxFiles={maxFiles} />
			<Feedback c={c} viewer={viewer} actionData={actionData} />
			<Timeline events={events} />
		</>
	)
}

function Details({ c }: { c: Commitment }) {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	const figure = (n: number) => formatMeasure(c.measure, n, c.unit, lang)
	const moments: Array<[string, number | null]> = [
		['commitment.detail.created_at', c.createdAt],
		['commitment.detail.accepted_at', c.acceptedAt],
		['commitment.detail.delivery_started_at', c.deliveryStartedAt],
		['commitment.detail.delivered_at', c.deliveredAt],
		['commitment.detail.verified_at', c.verifiedAt],
		['commitment.detail.closed_at', c.closedAt],
	]
	return (
		<section className="card" aria-labelledby="h-details">
			<h2 id="h-details" style={{ marginTop: 0 }}>
				{t('commitment.page.details')}
			</h2>
			<dl style={dlStyle}>
				<dt>{t('commitment.detail.need')}</dt>
				<dd style={ddStyle}>
					<Link to={`/needs/${c.needId}`}>{c.needTitle}</Link>
				</dd>
				<dt>{t('commitment.detail.provider')}</dt>
				<dd style={ddStyle}>
					<Link to={`/orgs/${c.providerOrgId}`}>{c.providerName}</Link> <span className="muted">{t(`vocab.org_kind.${c.providerKind}`)}</span>
				</dd>
				<dt>{t('commitment.detail.village')}</dt>
				<dd style={ddStyle}>
					<Link to={`/orgs/${c.villageOrgId}`}>{c.villageOrgName}</Link>
					<div className="muted">
						<Link to={`/regions/${c.villageCode}`}>{c.villageName}</Link>
					</div>
				</dd>
				<dt>{t('commitment.detail.amount')}</dt>
				<dd style={{ ...ddStyle, fontWeight: 700, fontSize: '1.15rem' }}>{figure(c.amount)}</dd>
				{c.deliveredAmount !== null ? (
					<>
						<dt>{t('commitment.detail.delivered_amount')}</dt>
						<dd style={{ ...ddStyle, fontWeight: 700 }}>{figure(c.deliveredAmount)}</dd>
					</>
				) : null}
				<dt>{t('commitment.detail.due_at')}</dt>
				<dd style={ddStyle}>
					<time dateTime={formatChinaDate(c.dueAt)}>{formatChinaDate(c.dueAt)}</time>
					{c.overdue ? (
						<>
							{' '}
							<span className="tag rejected">{t('commitment.status.overdue')}</span>
						</>
					) : null}
				</dd>
				{c.status === 'pledged' ? (
					<>
						<dt>{t('commitment.detail.lapse_at')}</dt>
						<dd style={ddStyle}>
							<time dateTime={new Date(c.lapseAt).toISOString()}>{formatTime(c.lapseAt, lang)}</time>
						</dd>
					</>
				) : null}
				{c.offerId ? (
					<>
						<dt>{t('commitment.detail.offer')}</dt>
						<dd style={ddStyle}>
							<Link to={`/offers/${c.offerId}`}>{c.offerTitle ?? c.offerId}</Link>
						</dd>
					</>
				) : null}
				{moments
					.filter((m): m is [string, number] => m[1] !== null)
					.map(([key, ms]) => (
						<Moment key={key} label={t(key)} ms={ms} />
					))}
			</dl>
			<h3>{t('commitment.detail.message')}</h3>
			{c.message ? <p style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 }}>{c.message}</p> : <p className="muted">{t('commitment.page.no_message')}</p>}
			<p className="muted" style={{ marginBottom: 0 }}>
				{t('commitment.detail.private_hint')}
			</p>
		</section>
	)
}

function Moment({ label, ms }: { label: string; ms: number }) {
	const { i18n } = useTranslation()
	return (
		<>
			<dt>{label}</dt>
			<dd style={ddStyle}>
				<time dateTime={new Date(ms).toISOString()}>{formatTime(ms, i18n.language)}</time>
			</dd>
		</>
	)
}

function Milestones({ c, viewer, actionData, today }: { c: Commitment; viewer: LoaderData['viewer']; actionData: ActionData; today: string }) {
	const { t } = useTranslation()
	return (
		<section className="card" aria-labelledby="h-milestones">
			<h2 id="h-milestones" style={{ marginTop: 0 }}>
				{t('commitment.detail.milestones')}
			</h2>
			{c.milestones.length ? (
				// Focusable: on a phone the table scrolls sideways, and the keyboard must reach it too.
				<div className="table-wrap" tabIndex={0} role="region" aria-labelledby="h-milestones">
					<table>
						<thead>
							<tr>
								<th scope="col">{t('commitment.fields.milestone_title')}</th>
								<th scope="col">{t('commitment.fields.milestone_due_at')}</th>
								<th scope="col">{t('commitment.fields.milestone_share')}</th>
								<th scope="col">{t('commitment.detail.status')}</th>
							</tr>
						</thead>
						<tbody>
							{c.milestones.map((m) => {
								const formId = `confirm-milestone-${m.id}`
								const mine = actionData?.form === formId ? actionData : undefined
								const confirmable = viewer.canConfirmMilestone && m.status === 'reported'
								return (
									<Fragment key={m.id}>
										<tr>
											<td style={{ overflowWrap: 'break-word', minWidth: '5em', borderBottom: confirmable ? 0 : undefined }}>{m.title}</td>
											<td style={{ whiteSpace: 'nowrap', borderBottom: confirmable ? 0 : undefined }}>
												<time dateTime={formatChinaDate(m.dueAt)}>{formatChinaDate(m.dueAt)}</time>
											</td>
											<td style={{ borderBottom: confirmable ? 0 : undefined }}>{m.share}%</td>
											<td style={{ whiteSpace: 'nowrap', borderBottom: confirmable ? 0 : undefined }}>
												<span className={`tag ${m.status === 'confirmed' ? 'verified' : 'pending'}`}>{t(`commitment.milestone_status.${m.status}`)}</span>
											</td>
										</tr>
										{confirmable ? (
											<tr>
												<td colSpan={4}>
													{/* Its own row: a full-width button, easy to tap on a phone. */}
													<Form method="post">
														<input type="hidden" name="intent" value="confirm-milestone" />
														<input type="hidden" name="milestoneId" value={m.id} />
														<button type="submit" style={{ ...tapStyle, width: '100%' }} aria-label={t('commitment.page.confirm_milestone_label', { title: m.title })}>
															{t('commitment.actions.confirm_milestone')}
														</button>
														<ErrorList errors={[...(mine?.result?.error?.[''] ?? []), ...(mine?.result?.error?.milestoneId ?? [])]} />
													</Form>
												</td>
											</tr>
										) : null}
									</Fragment>
								)
							})}
						</tbody>
					</table>
				</div>
			) : (
				<p className="muted">{t('commitment.detail.no_milestones')}</p>
			)}
			{c.milestones.length && c.shareRemaining > 0 ? <p className="muted">{t('commitment.detail.share_remaining', { remaining: c.shareRemaining })}</p> : null}
			{viewer.canAddMilestone ? (
				<ActionForm
					id="add-milestone"
					intent="add-milestone"
					schema={milestoneSchema()}
					actionData={actionData?.form === 'add-milestone' ? actionData : undefined}
					title={t('commitment.actions.add_milestone')}
					submitLabel={t('commitment.actions.add_milestone')}
					fields={[
						{ name: 'title', label: t('commitment.fields.milestone_title'), kind: 'text', maxLength: MILESTONE_TITLE_MAX, required: true },
						{ name: 'dueAt', label: t('commitment.fields.milestone_due_at'), kind: 'date', min: today, required: true },
						{
							name: 'share',
							label: t('commitment.fields.milestone_share'),
							kind: 'numeric',
							maxLength: 3,
							required: true,
							hint: t('commitment.fields.milestone_share_hint', { remaining: c.shareRemaining }),
						},
					]}
				/>
			) : null}
		</section>
	)
}

function Updates({ c, canPost, actionData, maxMb, maxFiles }: { c: Commitment; canPost: boolean; actionData: ActionData | undefined; maxMb: number; maxFiles: number }) {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	const titleOf = new Map(c.milestones.map((m) => [m.id, m.title]))
	return (
		<section className="card" aria-labelledby="h-updates">
			<h2 id="h-updates" style={{ marginTop: 0 }}>
				{t('commitment.detail.updates')}
			</h2>
			{canPost ? <PostUpdateForm c={c} actionData={actionData} maxMb={maxMb} maxFiles={maxFiles} /> : null}
			{c.updates.length ? (
				<ol style={{ listStyle: 'none', padding: 0, margin: 0 }}>
					{c.updates.map((u) => (
						<li key={u.id} style={{ padding: '10px 0', borderTop: '1px solid var(--line)' }}>
							<div className="muted">
								<time dateTime={new Date(u.createdAt).toISOString()}>{formatTime(u.createdAt, lang)}</time>
								{u.authorName ? ` · ${u.authorName}` : null}
							</div>
							{u.milestoneId ? (
								<div>
									<span className="tag pending">{t('commitment.page.reports_milestone', { title: titleOf.get(u.milestoneId) ?? '' })}</span>
								</div>
							) : null}
							<p style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: '4px 0' }}>{u.body}</p>
							{u.evidence.length ? (
								<>
									<h3 style={{ fontSize: '1rem', margin: '8px 0 4px' }}>{t('commitment.detail.evidence')}</h3>
									<ul className="grid" style={{ listStyle: 'none', padding: 0, margin: 0, gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))' }}>
										{u.evidence.map((e, i) =>
											e.kind === 'photo' ? (
												<li key={e.id}>
													<a href={`/uploads/${e.id}`}>
														<img
															src={`/uploads/${e.id}`}
															alt={t('commitment.page.evidence_alt', { n: i + 1, name: e.originalName })}
															loading="lazy"
															style={{ width: '100%', height: 140, objectFit: 'cover', borderRadius: 6, border: '1px solid var(--line)', display: 'block' }}
														/>
													</a>
												</li>
											) : (
												<li key={e.id} style={{ gridColumn: '1 / -1' }}>
													<a href={`/uploads/${e.id}`} download={e.originalName} style={{ display: 'inline-block', padding: '10px 0', minHeight: 44, overflowWrap: 'anywhere' }}>
														{t('commitment.page.download_document', { name: e.originalName })}
													</a>{' '}
													<span className="muted">
														({t('commitment.detail.evidence_document')}, {fileSize(e.byteSize, lang)})
													</span>
												</li>
											),
										)}
									</ul>
								</>
							) : null}
						</li>
					))}
				</ol>
			) : (
				<p className="muted" style={{ marginBottom: 0 }}>
					{t('commitment.detail.no_updates')}
				</p>
			)}
		</section>
	)
}

function PostUpdateForm({ c, actionData, maxMb, maxFiles }: { c: Commitment; actionData: ActionData | undefined; maxMb: number; maxFiles: number }) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const [form, fields] = useForm<{ body: string; milestoneId: string; evidence: File[] }, unknown>({
		id: 'commitment-post-update',
		lastResult: actionData?.result ?? undefined,
		defaultValue: { body: '', milestoneId: '' },
		onValidate: ({ formData }) => parseWithZod(formData, { schema: CommitmentUpdateSchema }),
		shouldValidate: 'onSubmit',
		shouldRevalidate: 'onInput',
	})
	const open = c.milestones.filter((m) => m.status !== 'confirmed')
	const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'post-update'
	const evidenceHint = `${fields.evidence.id}-hint`
	return (
		<Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="narrow" style={{ marginBottom: 16 }}>
			<h3 style={{ margin: '0 0 8px' }}>{t('commitment.actions.post_update')}</h3>
			<input type="hidden" name="intent" value="post-update" />
			<ErrorList id={form.errorId} errors={form.errors} />
			<div className="field">
				<label htmlFor={fields.body.id}>{t('commitment.fields.update_body')}</label>
				<textarea
					{...getTextareaProps(fields.body, { ariaAttributes: true })}
					aria-describedby={[`${fields.body.id}-hint`, fields.body.errors?.length ? fields.body.errorId : ''].filter(Boolean).join(' ')}
					rows={4}
					maxLength={UPDATE_BODY_MAX}
					required
				/>
				<small id={`${fields.body.id}-hint`} className="hint">
					{t('commitment.fields.update_body_hint')}
				</small>
				<ErrorList id={fields.body.errorId} errors={fields.body.errors} />
			</div>
			{open.length ? (
				<div className="field">
					<label htmlFor={fields.milestoneId.id}>{t('commitment.fields.update_milestone')}</label>
					<select {...getSelectProps(fields.milestoneId, { ariaAttributes: true })} style={tapStyle}>
						<option value="">{t('commitment.fields.update_milestone_none')}</option>
						{open.map((m) => (
							<option key={m.id} value={m.id}>
								{m.title}
							</option>
						))}
					</select>
					<ErrorList id={fields.milestoneId.errorId} errors={fields.milestoneId.errors} />
				</div>
			) : null}
			<div className="field">
				<label htmlFor={fields.evidence.id}>{t('commitment.fields.evidence')}</label>
				<input
					id={fields.evidence.id}
					name={EVIDENCE_INPUT}
					type="file"
					multiple
					accept="image/jpeg,image/png,image/webp,application/pdf"
					aria-invalid={fields.evidence.errors?.length ? true : undefined}
					aria-describedby={[evidenceHint, fields.evidence.errors?.length ? fields.evidence.errorId : ''].filter(Boolean).join(' ')}
					style={tapStyle}
				/>
				<small id={evidenceHint} className="hint">
					{t('commitment.fields.evidence_hint', { max: maxFiles, maxMb })}
				</small>
				<ErrorList id={fields.evidence.errorId} errors={fields.evidence.errors} />
			</div>
			{actionData?.filesLost ? (
				<p className="form-errors" role="status">
					{t('commitment.page.evidence_reselect')}
				</p>
			) : null}
			<button type="submit" disabled={busy} style={tapStyle}>
				{t('commitment.actions.post_update')}
			</button>
		</Form>
	)
}

function Feedback({ c, viewer, actionData }: { c: Commitment; viewer: LoaderData['viewer']; actionData: ActionData }) {
	const { t } = useTranslation()
	const shown = c.feedback.village || c.feedback.provider
	return (
		<section className="card" aria-labelledby="h-feedback">
			<h2 id="h-feedback" style={{ marginTop: 0 }}>
				{t('commitment.detail.feedback')}
			</h2>
			{shown ? (
				<dl style={dlStyle}>
					{FEEDBACK_SIDES.map((side) => {
						const f = c.feedback[side]
						if (!f) return null
						return (
							<FeedbackItem key={side} label={t(`commitment.detail.feedback_${side}`)} rating={f.rating} comment={f.comment} />
						)
					})}
				</dl>
			) : (
				<p className="muted">{t('commitment.detail.no_feedback')}</p>
			)}
			{FEEDBACK_SIDES.filter((side) => viewer.canGiveFeedback[side]).map((side) => (
				<FeedbackForm key={side} side={side} actionData={actionData?.form === `feedback-${side}` ? actionData : undefined} />
			))}
		</section>
	)
}

function FeedbackItem({ label, rating, comment }: { label: string; rating: number; comment: string }) {
	const { t } = useTranslation()
	return (
		<>
			<dt>{label}</dt>
			<dd style={ddStyle}>
				<strong aria-label={t('commitment.detail.rating_value', { rating })}>
					<span aria-hidden="true" style={{ color: 'var(--warn)' }}>
						{'★'.repeat(rating)}
						{'☆'.repeat(5 - rating)}
					</span>{' '}
					{t('commitment.detail.rating_value', { rating })}
				</strong>
				{comment ? <div style={{ whiteSpace: 'pre-wrap' }}>{comment}</div> : null}
			</dd>
		</>
	)
}

function FeedbackForm({ side, actionData }: { side: (typeof FEEDBACK_SIDES)[number]; actionData: ActionData | undefined }) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const [form, fields] = useForm<{ side: string; rating: string; comment: string }, unknown>({
		id: `commitment-feedback-${side}`,
		lastResult: actionData?.result ?? undefined,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: FeedbackSchema }),
		shouldValidate: 'onSubmit',
		shouldRevalidate: 'onInput',
	})
	const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'feedback'
	return (
		<ActionBlock title={t(`commitment.page.give_feedback_${side}`)}>
			<Form method="post" {...getFormProps(form)} className="narrow">
				<input type="hidden" name="intent" value="feedback" />
				<input type="hidden" name="side" value={side} />
				<ErrorList id={form.errorId} errors={form.errors} />
				<OtherErrors result={actionData?.result} shown={['rating', 'comment']} />
				<fieldset className="field" style={{ border: '1px solid var(--line)', borderRadius: 6, padding: '4px 12px 8px', margin: '0 0 12px' }} aria-describedby={[`${fields.rating.id}-hint`, fields.rating.errors?.length ? fields.rating.errorId : ''].filter(Boolean).join(' ')}>
					<legend style={{ fontWeight: 600, padding: '0 4px' }}>{t('commitment.fields.rating')}</legend>
					<div style={{ display: 'flex', flexWrap: 'wrap', gap: '0 8px' }}>
						{[1, 2, 3, 4, 5].map((n) => (
							<label key={n} htmlFor={`${fields.rating.id}-${n}`} style={{ display: 'flex', gap: 6, alignItems: 'center', fontWeight: 400, padding: '8px 6px', minHeight: 44, minWidth: 44 }}>
								<input type="radio" id={`${fields.rating.id}-${n}`} name={fields.rating.name} value={String(n)} required aria-invalid={fields.rating.errors?.length ? true : undefined} style={{ width: 22, height: 22 }} />
								{n}
							</label>
						))}
					</div>
					<small id={`${fields.rating.id}-hint`} className="hint">
						{t('commitment.fields.rating_hint')}
					</small>
					<ErrorList id={fields.rating.errorId} errors={fields.rating.errors} />
				</fieldset>
				<div className="field">
					<label htmlFor={fields.comment.id}>{t('commitment.fields.comment')}</label>
					<textarea {...getTextareaProps(fields.comment, { ariaAttributes: true })} rows={3} maxLength={FEEDBACK_COMMENT_MAX} aria-describedby={`${fields.comment.id}-hint`} />
					<small id={`${fields.comment.id}-hint`} className="hint">
						{t('commitment.fields.comment_hint')}
					</small>
					<ErrorList id={fields.comment.errorId} errors={fields.comment.errors} />
				</div>
				<button type="submit" disabled={busy} style={tapStyle}>
					{t('commitment.actions.give_feedback')}
				</button>
			</Form>
		</ActionBlock>
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

type FieldSpec = { name: string; label: string; kind: 'text' | 'textarea' | 'date' | 'decimal' | 'numeric'; maxLength?: number; min?: string; required?: boolean; hint?: string }

/** Errors of fields this form has no input for, named by their field. */
function OtherErrors({ result, shown }: { result: SubmissionResult<string[]> | null | undefined; shown: string[] }) {
	const { t } = useTranslation()
	const other = Object.entries(result?.error ?? {}).filter(([name, errors]) => name !== '' && !shown.includes(name) && errors?.length)
	if (!other.length) return null
	return (
		<ul className="errors" role="alert">
			{other.flatMap(([name, errors]) =>
				(errors ?? []).map((e) => <li key={`${name}-${e}`}>{t('commitment.page.field_error', { field: FIELD_LABELS[name] ? t(FIELD_LABELS[name]) : name, message: tm(t, e) })}</li>),
			)}
		</ul>
	)
}

/** One action as its own small form: an `intent`, a few fields, its own errors only. */
function ActionForm({
	id,
	intent,
	schema,
	defaults,
	fields: specs,
	actionData,
	title,
	hint,
	submitLabel,
	secondary,
}: {
	id: string
	intent: string
	schema?: z.ZodType
	defaults?: Record<string, string>
	fields: FieldSpec[]
	actionData: ActionData | undefined
	title: string
	hint?: string
	submitLabel: string
	secondary?: boolean
}) {
	const navigation = useNavigation()
	const [form, fields] = useForm<Record<string, string>, unknown>({
		id: `commitment-${id}`,
		lastResult: actionData?.result ?? undefined,
		defaultValue: defaults,
		onValidate: schema ? ({ formData }) => parseWithZod(formData, { schema }) : undefined,
		shouldValidate: 'onSubmit',
		shouldRevalidate: 'onInput',
	})
	const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === intent
	return (
		<ActionBlock title={title} hint={hint}>
			<Form method="post" {...getFormProps(form)} className="narrow">
				<input type="hidden" name="intent" value={intent} />
				<ErrorList id={form.errorId} errors={form.errors} />
				<OtherErrors result={actionData?.result} shown={specs.map((s) => s.name)} />
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
									{...getInputProps(meta, { type: spec.kind === 'date' ? 'date' : 'text', ariaAttributes: true })}
									aria-describedby={describedBy}
									inputMode={spec.kind === 'decimal' || spec.kind === 'numeric' ? spec.kind : undefined}
									autoComplete={spec.kind === 'decimal' || spec.kind === 'numeric' ? 'off' : undefined}
									maxLength={spec.kind === 'date' ? undefined : spec.maxLength}
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

function Timeline({ events }: { events: LoaderData['events'] }) {
	const { t, i18n } = useTranslation()
	const noteOf = (e: LoaderData['events'][number]) => {
		if (e.action !== 'feedback') return e.note
		const [side, rating] = e.note.split(':')
		return (FEEDBACK_SIDES as readonly string[]).includes(side) ? t('commitment.page.feedback_event', { side: t(`commitment.detail.feedback_${side}`), rating }) : e.note
	}
	return (
		<section className="card" aria-labelledby="h-timeline">
			<h2 id="h-timeline" style={{ marginTop: 0 }}>
				{t('commitment.detail.timeline')}
			</h2>
			{events.length ? (
				<ol style={{ listStyle: 'none', padding: 0, margin: 0 }}>
					{events.map((e) => (
						<li key={e.id} style={{ padding: '6px 0', borderBottom: '1px dashed var(--line)' }}>
							<strong>{i18n.exists(`commitment.events.${e.action}`) ? t(`commitment.events.${e.action}`) : e.action}</strong>
							{e.fromState && e.toState && e.fromState !== e.toState ? (
								<span className="muted">
									{' '}
									({t('commitment.page.state_change', { from: t(`commitment.status.${e.fromState}`), to: t(`commitment.status.${e.toState}`) })})
								</span>
							) : null}
							{noteOf(e) ? <div style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{noteOf(e)}</div> : null}
							<div className="muted">
								<time dateTime={new Date(e.createdAt).toISOString()}>{formatTime(e.createdAt, i18n.language)}</time>
								{e.actorName ? ` · ${e.actorName}` : ` · ${t('commitment.events.system')}`}
							</div>
						</li>
					))}
				</ol>
			) : (
				<p className="muted">{t('commitment.page.timeline_empty')}</p>
			)}
		</section>
	)
}
