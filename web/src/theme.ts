import { createTheme, type MantineColorsTuple, type MantineThemeOverride } from '@mantine/core';

/** Blue whose filled shade (6) keeps white text above 4.5:1 (WCAG AA). */
const brand: MantineColorsTuple = ['#e7f5ff', '#d0ebff', '#a5d8ff', '#74c0fc', '#4dabf7', '#228be6', '#1864ab', '#145591', '#0f4577', '#0b365e'];

export const theme: MantineThemeOverride = createTheme({
  colors: { brand },
  primaryColor: 'brand',
  primaryShade: 6,
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  headings: { fontFamily: 'Inter, system-ui, sans-serif', fontWeight: '700' },
  defaultRadius: 'md',
  components: {
    Button: { defaultProps: { size: 'md' } },
    TextInput: { defaultProps: { size: 'md' } },
    PasswordInput: { defaultProps: { size: 'md' } },
    NumberInput: { defaultProps: { size: 'md' } },
    Select: { defaultProps: { size: 'md' } },
    SegmentedControl: { defaultProps: { size: 'md' } },
    Badge: { defaultProps: { variant: 'light' } },
  },
});
