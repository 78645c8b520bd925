// A member of a verified provider org posts an offer (saved as a draft). The form, and the region
// finder inside it, are shared with offers.$offerId_.edit.tsx and the project forms.
//
// The finder works without JavaScript: its buttons post the whole form with intent
// `find-region` / `add-region:<code>`, and the action answers with the matches and the form's
// values as typed (nothing is written). With JavaScript it asks this route's loader (?regionQ=)
// through a fetcher and adds codes in place.
import { type Submission, type SubmissionResult, getCollectionProps, getFormProps, getInputProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from '@remix-run/react'
import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { ErrorList, Field } from '#app/components/form.tsx'
import { type RegionFinderData, providerOrgsOf, regionFinder } from '#app/models/browse.server.ts'
import { MEASURES, NEED_CATEGORIES, OFFER_COVERAGES } from '#app/models/marketplace-vocab.ts'
import { MAX_OFFER_REGIONS, OfferSchema } from '#app/models/offer.schema.ts'
import { createOffer } from '#app/models/offer.server.ts'
import { PROVIDER_KINDS } from '#app/models/organization.schema.ts'
import { LEVELS, isRegionCode } from '#app/models/region-code.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { DAY_MS, chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { replyWithError } from '#app/utils/http.server.ts'
import { tm } from '#app/utils/i18n-message.ts'

export const meta: MetaFunction = () => [{ title: '发布帮扶资源 · 帮扶 Bangfu' }]

// ---------------------------------------------------------------------------------------------
// Shared form plumbing (pure; also used by the edit route and the project forms).

/** Accepts any form: the finder's answer echoes the values as typed, without checking them. */
export const EchoSchema = z.object({})

export function isFinderIntent(intent: string): boolean {
	return intent === 'find-region' || intent.startsWith('add-region:')
}

/** For intent `add-region:<code>`: `field` with the code appended (once). */
export function withAddedCode(formData: FormData, intent: string, field: string): FormData {
	const code = intent.slice('add-region:'.length)
	if (!intent.startsWith('add-region:') || !isRegionCode(code)) return formData
	const codes = String(formData.get(field) ?? '')
		.split(/[\s,，、;；]+/)
		.filter(Boolean)
	if (!codes.includes(code)) codes.push(code)
	formData.set(field, codes.join(' '))
	return formData
}

/**
 * The action's answer to a finder intent: the matches, and the form's values (with an added code)
 * to show it again as typed. A plain object: this module's shared exports reach the browser, so
 * they may not use @remix-run/node.
 */
export function finderReply(formData: FormData, finder: RegionFinderData, field: string) {
	const intent = String(formData.get('intent') ?? '')
	const submission = parseWithZod(withAddedCode(formData, intent, field), { schema: EchoSchema })
	return { result: submission.reply() as SubmissionResult<string[]>, finder }
}

// True once React has hydrated, so the page can hide what does not apply only when JavaScript is
// there to show it again.
let hydrating = true
export function useHydrated() {
	const [hydrated, setHydrated] = useState(() => !hydrating)
	useEffect(() => {
		hydrating = false
		setHydrated(true)
	}, [])
	return hydrated
}

export const fieldsetStyle = { border: '1px solid var(--line)', borderRadius: 6, padding: '8px 12px', margin: '0 0 12px', minWidth: 0 } as const
export const legendStyle = { fontWeight: 600, padding: '0 4px' } as const
export const optionLabel = { display: 'flex', gap: 8, alignItems: 'flex-start', fontWeight: 400, padding: '3px 0' } as const

export function Choices({
	legend,
	hint,
	errors,
	errorId,
	children,
	columns,
}: {
	legend: string
	hint?: string
	errors?: string[]
	errorId: string
	children: ReactNode
	columns?: boolean
}) {
	return (
		<fieldset className="field" style={fieldsetStyle} aria-invalid={errors?.length ? true : undefined} aria-describedby={errors?.length ? errorId : undefined}>
			<legend style={legendStyle}>{legend}</legend>
			{hint ? <small className="hint">{hint}</small> : null}
			<div style={columns ? { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))', gap: '0 12px' } : undefined}>{children}</div>
			<ErrorList id={errorId} errors={errors} />
		</fieldset>
	)
}

/**
 * The region finder inside a form: a place-name box, an optional level, and the matches, each
 * with a button that adds its code to `onAdd` (JavaScript) or posts `add-region:<code>`.
 */
export function RegionFinder({ finder, fixedLevel, onAdd, loaderPath }: { finder: RegionFinderData | null; fixedLevel?: number; onAdd: (code: string) => void; loaderPath: string }) {
	const { t } = useTranslation()
	const hydrated = useHydrated()
	const fetcher = useFetcher<{ finder: RegionFinderData }>()
	const qRef = useRef<HTMLInputElement>(null)
	const levelRef = useRef<HTMLSelectElement>(null)
	const [added, setAdded] = useState<string | null>(null)
	const shown = fetcher.data?.finder ?? finder
	const search = () => {
		const params = new URLSearchParams({ regionQ: qRef.current?.value ?? '' })
		if (levelRef.current?.value) params.set('regionLevel', levelRef.current.value)
		fetcher.load(`${loaderPath}?${params}`)
	}
	const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
		if (event.key === 'Enter') {
			event.preventDefault()
			search()
		}
	}
	return (
		<div role="group" aria-labelledby="finder-title" style={{ background: 'var(--bg)', borderRadius: 6, padding: '8px 12px', margin: '0 0 12px' }}>
			<p id="finder-title" style={{ margin: '0 0 4px', fontWeight: 600 }}>
				{t('offer.finder.title')}
			</p>
			<small className="hint">{t(fixedLevel === 5 ? 'offer.finder.hint_villages' : 'offer.finder.hint')}</small>
			<div className="row" style={{ marginTop: 6 }}>
				<div className="field" style={{ flex: '2 1 160px', marginBottom: 0 }}>
					<label htmlFor="regionQ">{t('offer.finder.place')}</label>
					<input ref={qRef} id="regionQ" name="regionQ" type="search" defaultValue={finder?.q ?? ''} maxLength={50} onKeyDown={hydrated ? onKeyDown : undefined} />
				</div>
				{fixedLevel ? null : (
					<div className="field" style={{ flex: '1 1 100px', marginBottom: 0 }}>
						<label htmlFor="regionLevel">{t('offer.finder.level')}</label>
						<select ref={levelRef} id="regionLevel" name="regionLevel" defaultValue={finder?.level ?? ''}>
							<option value="">{t('offer.finder.all_levels')}</option>
							{LEVELS.map((l) => (
								<option key={l} value={l}>
									{t(`vocab.level.${l}`)}
								</option>
							))}
						</select>
					</div>
				)}
				{hydrated ? (
					<button type="button" className="secondary" style={{ flex: '0 0 auto' }} onClick={search}>
						{t('offer.finder.submit')}
					</button>
				) : (
					<button type="submit" name="intent" value="find-region" formNoValidate className="secondary" style={{ flex: '0 0 auto' }}>
						{t('offer.finder.submit')}
					</button>
				)}
			</div>
			<div aria-live="polite">
				{shown?.q ? (
					shown.regions.length ? (
						<>
							<p style={{ margin: '8px 0 4px' }}>{t('offer.finder.count', { count: shown.regions.length })}</p>
							<ul className="plain">
								{shown.regions.map((r) => (
									<li key={`${r.code}-${r.level}`} className="row" style={{ alignItems: 'center' }}>
										<span style={{ flex: '1 1 200px' }}>
											{r.fullName} <span className="tag">{t(`vocab.level.${r.level}`)}</span>
											<br />
											<code style={{ userSelect: 'all' }}>{r.code}</code>
										</span>
										{hydrated ? (
											<button
												type="button"
												className="secondary"
												style={{ flex: '0 0 auto', padding: '2px 10px' }}
												onClick={() => {
													onAdd(r.code)
													setAdded(r.code)
												}}
												aria-label={t('offer.finder.add_label', { name: r.fullName })}
											>
												{t('offer.finder.add')}
											</button>
										) : (
											<button
												type="submit"
												name="intent"
												value={`add-region:${r.code}`}
												formNoValidate
												className="secondary"
												style={{ flex: '0 0 auto', padding: '2px 10px' }}
												aria-label={t('offer.finder.add_label', { name: r.fullName })}
											>
												{t('offer.finder.add')}
											</button>
										)}
									</li>
								))}
							</ul>
							{shown.regions.length >= shown.limit ? <p className="muted">{t('offer.finder.more', { count: shown.limit })}</p> : null}
						</>
					) : (
						<p style={{ margin: '8px 0 0' }}>{t('offer.finder.none', { q: shown.q })}</p>
					)
				) : null}
				<p role="status" className="muted" style={{ margin: 0 }}>
					{added ? t('offer.finder.added', { code: added }) : null}
				</p>
			</div>
		</div>
	)
}

/** `codes` (a space-separated list as typed) with `code` appended once. */
export function appendCode(codes: unknown, code: string): string {
	const list = String(codes ?? '')
		.split(/[\s,，、;；]+/)
		.filter(Boolean)
	return (list.includes(code) ? list : [...list, code]).join(' ')
}

// ---------------------------------------------------------------------------------------------
// The offer form.

/** The offer form's fields as the browser holds them (strings; categories a list). */
export type OfferFormShape = {
	orgId?: string
	title: string
	description: string
	categories: string[]
	measure: string
	unit?: string
	capacity?: string
	unlimited?: string
	coverage: string
	regionCodes?: string
	validFrom: string
	validUntil: string
}
export type OfferFormValues = Partial<OfferFormShape>

/** Validation in the browser mirrors the server's; the finder's intents skip it. */
function validateOffer(formData: FormData): Submission<OfferFormShape> {
	const submission = isFinderIntent(String(formData.get('intent') ?? '')) ? parseWithZod(formData, { schema: EchoSchema }) : parseWithZod(formData, { schema: OfferSchema })
	// Only status, errors and reply() are read from it; the parsed value's shape does not matter here.
	return submission as unknown as Submission<OfferFormShape>
}

export function OfferForm({
	id,
	orgs,
	defaultValue,
	lastResult,
	finder,
	loaderPath,
	submitLabel,
}: {
	id: string
	/** The orgs to post for; empty on the edit form (the provider does not change). */
	orgs: Array<{ id: string; name: string }>
	defaultValue: OfferFormValues
	lastResult: SubmissionResult<string[]> | undefined
	finder: RegionFinderData | null
	loaderPath: string
	submitLabel: string
}) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const hydrated = useHydrated()
	const [form, fields] = useForm<OfferFormShape>({
		id,
		lastResult,
		defaultValue,
		onValidate: ({ formData }) => validateOffer(formData),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	const measure = fields.measure.value === 'quantity' ? 'quantity' : 'amount'
	const unlimited = fields.unlimited.value === 'on'
	const coverage = fields.coverage.value ?? 'nationwide'
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
					<label htmlFor={`${id}-org`}>{t('offer.fields.org')}</label>
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
					<span className="muted">{t('offer.fields.org')}</span> <strong>{orgs[0].name}</strong>
					<input type="hidden" name="orgId" value={orgs[0].id} />
				</p>
			) : null}

			<Field meta={fields.title} label={t('offer.fields.title')} hint={t('offer.fields.title_hint')} maxLength={200} />
			<div className="field">
				<label htmlFor={fields.description.id}>{t('offer.fields.description')}</label>
				<textarea {...getTextareaProps(fields.description, { ariaAttributes: true })} rows={6} maxLength={10_000} />
				<small className="hint">{t('offer.fields.description_hint')}</small>
				<ErrorList id={fields.description.errorId} errors={fields.description.errors} />
			</div>

			<Choices legend={t('offer.fields.categories')} hint={t('offer.fields.categories_hint')} errors={fields.categories.errors} errorId={fields.categories.errorId} columns>
				{getCollectionProps(fields.categories, { type: 'checkbox', options: [...NEED_CATEGORIES] }).map(({ key, ...props }) => (
					<label key={key} htmlFor={props.id} style={optionLabel}>
						<input {...props} style={{ marginTop: 6, flex: '0 0 auto' }} />
						<span>{t(`vocab.category.${props.value}`)}</span>
					</label>
				))}
			</Choices>

			<Choices legend={t('offer.fields.measure')} errors={fields.measure.errors} errorId={fields.measure.errorId}>
				{getCollectionProps(fields.measure, { type: 'radio', options: [...MEASURES] }).map(({ key, ...props }) => (
					<label key={key} htmlFor={props.id} style={optionLabel}>
						<input {...props} style={{ marginTop: 6, flex: '0 0 auto' }} />
						<span>{t(`vocab.measure.${props.value}`)}</span>
					</label>
				))}
			</Choices>

			<div hidden={hydrated && measure === 'amount'}>
				<Field meta={fields.unit} label={t('offer.fields.unit')} hint={t('offer.fields.unit_hint')} maxLength={16} />
			</div>
			<div hidden={hydrated && unlimited}>
				<Field
					meta={fields.capacity}
					label={measure === 'amount' && hydrated ? t('offer.fields.capacity_yuan') : t('offer.fields.capacity')}
					hint={hydrated ? t(`offer.fields.capacity_hint_${measure}`) : t('offer.fields.capacity_hint_both')}
					inputMode="decimal"
					maxLength={20}
				/>
			</div>
			<div className="field">
				<label htmlFor={fields.unlimited.id} style={optionLabel}>
					<input {...getInputProps(fields.unlimited, { type: 'checkbox' })} style={{ marginTop: 6, flex: '0 0 auto' }} />
					<span>
						{t('offer.fields.unlimited')}
						<br />
						<small className="hint">{t('offer.fields.unlimited_hint')}</small>
					</span>
				</label>
			</div>

			<Choices legend={t('offer.fields.coverage')} errors={fields.coverage.errors} errorId={fields.coverage.errorId}>
				{getCollectionProps(fields.coverage, { type: 'radio', options: [...OFFER_COVERAGES] }).map(({ key, ...props }) => (
					<label key={key} htmlFor={props.id} style={optionLabel}>
						<input {...props} style={{ marginTop: 6, flex: '0 0 auto' }} />
						<span>
							<strong>{t(`vocab.coverage.${props.value}`)}</strong>
							<br />
							<small className="hint">{t(`offer.fields.coverage_hint.${props.value}`)}</small>
						</span>
					</label>
				))}
			</Choices>

			<div hidden={hydrated && coverage !== 'regions'}>
				<Field
					meta={fields.regionCodes}
					label={t('offer.fields.region_codes')}
					hint={`${t('offer.fields.region_codes_hint', { max: MAX_OFFER_REGIONS })}${hydrated ? '' : ` ${t('offer.fields.region_codes_only')}`}`}
					inputMode="numeric"
				/>
				<RegionFinder finder={finder} loaderPath={loaderPath} onAdd={(code) => form.update({ name: fields.regionCodes.name, value: appendCode(fields.regionCodes.value, code) })} />
			</div>

			<div className="row">
				<Field meta={fields.validFrom} type="date" label={t('offer.fields.valid_from')} />
				<Field meta={fields.validUntil} type="date" label={t('offer.fields.valid_until')} />
			</div>
			<p className="hint" style={{ marginTop: -8 }}>
				{t('offer.fields.valid_hint')}
			</p>

			<button type="submit" name="intent" value="save" disabled={navigation.state === 'submitting'}>
				{submitLabel}
			</button>
		</Form>
	)
}

/** Why the actor cannot post an offer, as a page with the way forward. */
function NoProviderOrg({ reason }: { reason: 'pending' | 'not_provider' | 'no_org' }) {
	const { t } = useTranslation()
	return (
		<section className="card" role="status">
			<h2 style={{ marginTop: 0 }}>{t('offer.cannot.title')}</h2>
			<p>{t(`offer.cannot.${reason}`)}</p>
			<p style={{ marginBottom: 0 }}>
				{reason === 'pending' ? <Link to="/settings">{t('offer.cannot.see_orgs')}</Link> : null}
				{reason === 'not_provider' ? <Link to="/needs">{t('offer.cannot.needs')}</Link> : null}
				{reason === 'no_org' ? <Link to="/orgs/new">{t('offer.cannot.register')}</Link> : null}
				{' · '}
				<Link to="/offers">{t('offer.cannot.browse')}</Link>
			</p>
		</section>
	)
}

// ---------------------------------------------------------------------------------------------

function cannotReason(actor: Awaited<ReturnType<typeof requireActor>>['actor']) {
	const provider = (k: string) => (PROVIDER_KINDS as readonly string[]).includes(k)
	if (actor.memberships.some((m) => provider(m.kind) && m.status === 'pending')) return 'pending' as const
	if (actor.memberships.some((m) => !provider(m.kind))) return 'not_provider' as const
	return 'no_org' as const
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const url = new URL(request.url)
	const orgs = providerOrgsOf(actor).map((m) => ({ id: m.orgId, name: m.orgName }))
	const today = chinaDayStart(Date.now())
	const wanted = url.searchParams.get('org')
	return {
		orgs,
		reason: orgs.length ? null : cannotReason(actor),
		defaults: {
			orgId: orgs.length === 1 ? orgs[0].id : (orgs.find((o) => o.id === wanted)?.id ?? ''),
			measure: 'amount',
			coverage: 'nationwide',
			validFrom: formatChinaDate(today),
			validUntil: formatChinaDate(today + 365 * DAY_MS),
		},
		finder: await regionFinder(db, url.searchParams),
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const formData = await request.formData()
	const intent = String(formData.get('intent') ?? 'save')
	if (isFinderIntent(intent)) return finderReply(formData, await regionFinder(db, formData), 'regionCodes')

	const orgs = providerOrgsOf(actor)
	const submission = parseWithZod(formData, { schema: OfferSchema })
	if (!orgs.length) return data({ result: submission.reply({ formErrors: [msgNoOrg(actor)] }), finder: null }, { status: 403 })
	// The model decides who may post for which org; the route only needs to know which org is meant.
	const orgId = String(formData.get('orgId') ?? '') || (orgs.length === 1 ? orgs[0].orgId : '')
	if (submission.status !== 'success' || !orgId) {
		return data({ result: submission.reply(orgId ? {} : { fieldErrors: { orgId: ['validation.offer_org_required'] } }), finder: null }, { status: 400 })
	}
	try {
		// The raw values: the model parses them itself (submission.value is already in fen).
		const { id } = await createOffer(db, orgId, submission.payload, actor)
		return redirect(`/offers/${id}?created=1`)
	} catch (error) {
		const response = replyWithError(submission, error)
		return data({ result: response.data.result, finder: null }, response.init ?? undefined)
	}
}

function msgNoOrg(actor: Awaited<ReturnType<typeof requireActor>>['actor']) {
	return actor.memberships.some((m) => !(PROVIDER_KINDS as readonly string[]).includes(m.kind)) ? 'errors.org_cannot_offer' : 'errors.forbidden'
}

export default function NewOfferPage() {
	const { t } = useTranslation()
	const loaderData = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const formErrors = !loaderData.orgs.length ? (actionData?.result?.error?.[''] ?? null) : null
	return (
		<>
			<p className="crumbs">
				<Link to="/offers">{t('browse.offers.title')}</Link> ›
			</p>
			<h1>{t('offer.new_title')}</h1>
			{formErrors?.length ? (
				<div className="form-errors" role="alert">
					{formErrors.map((e) => tm(t, e)).join(' ')}
				</div>
			) : null}
			{loaderData.reason ? (
				<NoProviderOrg reason={loaderData.reason} />
			) : (
				<>
					<p className="muted">{t('offer.new_intro')}</p>
					<p className="muted">{t('offer.members_may_draft')}</p>
					<section className="card">
						<OfferForm
							id="new-offer"
							orgs={loaderData.orgs}
							defaultValue={loaderData.defaults}
							lastResult={actionData?.result}
							finder={actionData?.finder ?? loaderData.finder}
							loaderPath="/offers/new"
							submitLabel={t('offer.actions.create')}
						/>
					</section>
				</>
			)}
		</>
	)
}
