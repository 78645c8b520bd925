// The offer form, shared by offers.new.tsx and offers.$offerId_.edit.tsx, and the fieldset of
// choices it shares with the project form.
import { type Submission, type SubmissionResult, getCollectionProps, getFormProps, getInputProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { Form, useNavigation } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorList, Field } from '#app/components/form.tsx'
import { EchoSchema, RegionFinder, appendCode, isFinderIntent, useHydrated } from '#app/components/region-finder.tsx'
import type { RegionFinderData } from '#app/models/browse.server.ts'
import { MEASURES, NEED_CATEGORIES, OFFER_COVERAGES } from '#app/models/marketplace-vocab.ts'
import { MAX_OFFER_REGIONS, OfferSchema } from '#app/models/offer.schema.ts'

const fieldsetStyle = { border: '1px solid var(--line)', borderRadius: 6, padding: '8px 12px', margin: '0 0 12px', minWidth: 0 } as const
const legendStyle = { fontWeight: 600, padding: '0 4px' } as const
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
