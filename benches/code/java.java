package com.example.billing;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** Computes invoices from usage records, rounding once at the end. */
public final class InvoiceCalculator {
    private static final BigDecimal VAT = new BigDecimal("0.21");
    private final PriceList prices;

    public InvoiceCalculator(PriceList prices) {
        this.prices = Objects.requireNonNull(prices, "prices");
    }

    public record Line(String sku, long quantity, BigDecimal amount) {}

    public Invoice invoice(String customer, LocalDate month, List<Usage> usage) {
        if (usage.isEmpty()) {
            throw new IllegalArgumentException("no usage for " + customer + " in " + month);
        }
        List<Line> lines = usage.stream()
            .collect(Collectors.groupingBy(Usage::sku, Collectors.summingLong(Usage::quantity)))
            .entrySet().stream()
            .map(e -> new Line(e.getKey(), e.getValue(), prices.of(e.getKey()).multiply(BigDecimal.valueOf(e.getValue()))))
            .sorted((a, b) -> a.sku().compareTo(b.sku()))
            .toList();
        BigDecimal net = lines.stream().map(Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal total = net.add(net.multiply(VAT)).setScale(2, java.math.RoundingMode.HALF_EVEN);
        return new Invoice(customer, month, lines, total);
    }

    @Override
    public String toString() {
        return "InvoiceCalculator[" + prices.size() + " prices]"; // 0x1F entries max
    }
}
