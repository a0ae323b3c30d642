import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../client';
import type { InvoiceListItem, InvoiceStatus, InvoiceView, PostingResult } from '../views-ops';

const BUSY: InvoiceStatus[] = ['queued', 'extracting', 'posting'];

/** Invoices newest first; polls every 2 s while any is still being read or posted. */
export function useInvoices(status?: InvoiceStatus) {
  return useQuery({
    queryKey: ['invoices', status ?? 'all'],
    queryFn: () => unwrap<{ items: InvoiceListItem[]; next: string | null }>(api.GET('/v1/invoices', { params: { query: { status, limit: 100 } } })),
    refetchInterval: (q) => (q.state.data?.items.some((i) => BUSY.includes(i.status)) ? 2000 : 15_000),
  });
}

export function useInvoiceCounts() {
  return useQuery({ queryKey: ['invoices', 'counts'], queryFn: () => unwrap<{ byStatus: Partial<Record<InvoiceStatus, number>> }>(api.GET('/v1/invoices/counts')), refetchInterval: 5000 });
}

export function useInvoice(id: string) {
  return useQuery({
    queryKey: ['invoice', id],
    queryFn: () => unwrap<InvoiceView>(api.GET('/v1/invoices/{id}', { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data && BUSY.includes(q.state.data.status) ? 1500 : false),
  });
}

export function usePostingResult(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['invoice', id, 'posting'],
    queryFn: () => unwrap<PostingResult>(api.GET('/v1/invoices/{id}/posting', { params: { path: { id } } })),
    enabled,
    // Receipts apply and the repricing runs after the posting commits: keep looking until both are done.
    refetchInterval: (q) => (q.state.data && (q.state.data.repricing?.status !== 'completed' || q.state.data.receipts.some((r) => r.status === 'queued')) ? 1500 : false),
  });
}

/** Uploads one file (same bytes again answer with the invoice already recorded). */
export function useUploadInvoice() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.set('file', file, file.name);
      return unwrap<{ id: string; status: InvoiceStatus }>(api.POST('/v1/invoices', { body: form as never, bodySerializer: (b: unknown) => b as FormData }));
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: ['invoices'] }),
  });
}

export interface InvoicePatch {
  lines?: { lineNo: number; sku?: string; packUnits?: number; quantity?: string; unitPrice?: string }[];
  fields?: Record<string, string | number>;
}

export function useCorrectInvoice(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: InvoicePatch) => unwrap<InvoiceView>(api.PATCH('/v1/invoices/{id}', { params: { path: { id } }, body: patch as never })),
    onSuccess: (data) => qc.setQueryData(['invoice', id], data),
  });
}

export function usePostInvoice(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap<{ id: string; status: InvoiceStatus }>(api.POST('/v1/invoices/{id}/post', { params: { path: { id } } })),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['invoice', id] });
      void qc.invalidateQueries({ queryKey: ['invoices'] });
    },
  });
}

/** A price role approves the invoice's cost changes past the band, so a stock role may post it. */
export function useApproveInvoicePrices(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap<InvoiceView>(api.POST('/v1/invoices/{id}/approve-prices', { params: { path: { id } } })),
    onSuccess: (data) => qc.setQueryData(['invoice', id], data),
  });
}
