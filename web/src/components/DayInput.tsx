import 'dayjs/locale/es';
import '@mantine/dates/styles.css';
import { DatePickerInput, DatesProvider } from '@mantine/dates';

/**
 * A day picker that always reads `dd/mm/aaaa` in Spanish (a native date input follows the
 * browser's language instead). Value: `YYYY-MM-DD` or '' when empty.
 */
export function DayInput({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  return (
    <DatesProvider settings={{ locale: 'es', firstDayOfWeek: 1 }}>
      <DatePickerInput label={label} placeholder="dd/mm/aaaa" valueFormat="DD/MM/YYYY" value={value || null} onChange={(v) => onChange(v ?? '')} clearable clearButtonProps={{ 'aria-label': `Borrar ${label.toLowerCase()}` }} />
    </DatesProvider>
  );
}
