import { forwardRef, useState, type KeyboardEvent } from 'react';
import { Combobox, Group, Loader, Text, TextInput, useCombobox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconBarcode } from '@tabler/icons-react';
import { findProductByCode, useProductSearch } from '../api/queries/products';
import { problemMessage } from '../api/problem';
import type { Product } from '../api/views';
import { formatQuantity } from '../lib/format';

interface Props {
  label?: string;
  description?: string;
  placeholder?: string;
  onSelect: (product: Product) => void;
  autoFocus?: boolean;
}

/**
 * Find a product by scanning or typing. A barcode scanner types the code and Enter: the exact
 * product (barcode, then SKU) is selected. Typing a name shows matches; arrows + Enter or a
 * click pick one. The field empties after each pick, ready for the next scan.
 */
export const ProductPicker = forwardRef<HTMLInputElement, Props>(function ProductPicker({ label = 'Producto', description = 'Escaneá el código de barras o escribí nombre o SKU', placeholder = 'Código, SKU o nombre', onSelect, autoFocus }, ref) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [looking, setLooking] = useState(false);
  const [debounced] = useDebouncedValue(text, 150);
  const search = useProductSearch(debounced);
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const items = debounced.trim().length >= 2 ? (search.data?.items ?? []) : [];

  const pick = (p: Product) => {
    setText('');
    setError(null);
    combobox.closeDropdown();
    onSelect(p);
  };

  const lookup = async () => {
    const code = text.trim();
    if (!code) return;
    setLooking(true);
    try {
      const p = await findProductByCode(code);
      if (p) pick(p);
      else setError(`No encontramos ningún producto con «${code}».`);
    } catch (err) {
      setError(problemMessage(err));
    } finally {
      setLooking(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    // Enter without an option chosen with the arrows: an exact code (what a scanner sends).
    if (e.key === 'Enter' && combobox.getSelectedOptionIndex() === -1) {
      e.preventDefault();
      void lookup();
    }
  };

  return (
    <Combobox
      store={combobox}
      onOptionSubmit={(sku) => {
        const p = items.find((i) => i.sku === sku);
        if (p) pick(p);
      }}
    >
      <Combobox.Target>
        <TextInput
          ref={ref}
          label={label}
          description={description}
          placeholder={placeholder}
          value={text}
          autoFocus={autoFocus}
          autoComplete="off"
          inputMode="search"
          leftSection={<IconBarcode size={20} aria-hidden />}
          rightSection={looking || (search.isFetching && items.length === 0 && debounced.length >= 2) ? <Loader size="xs" /> : null}
          error={error}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setError(null);
            combobox.openDropdown();
            combobox.resetSelectedOption();
          }}
          onFocus={() => text && combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
          onKeyDown={onKeyDown}
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={items.length === 0}>
        <Combobox.Options aria-label="Productos encontrados">
          {items.map((p) => (
            <Combobox.Option value={p.sku} key={p.sku}>
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <div style={{ minWidth: 0 }}>
                  <Text size="sm" fw={500} truncate>
                    {p.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {p.sku}
                    {p.barcode && p.barcode !== p.sku ? ` · ${p.barcode}` : ''}
                  </Text>
                </div>
                <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                  {formatQuantity(p.onHand, p.unit)}
                </Text>
              </Group>
            </Combobox.Option>
          ))}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
});
