using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Example.Resilience
{
    /// <summary>Opens after repeated failures and lets one probe through later.</summary>
    public sealed class CircuitBreaker
    {
        private readonly int _threshold;
        private readonly TimeSpan _cooldown;
        private int _failures;
        private DateTimeOffset? _openedAt;
        private readonly object _gate = new();

        public CircuitBreaker(int threshold = 5, TimeSpan? cooldown = null)
        {
            _threshold = threshold > 0 ? threshold : throw new ArgumentOutOfRangeException(nameof(threshold));
            _cooldown = cooldown ?? TimeSpan.FromSeconds(30);
        }

        public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> action, CancellationToken ct = default)
        {
            lock (_gate)
            {
                if (_openedAt is { } opened && DateTimeOffset.UtcNow - opened < _cooldown)
                {
                    throw new InvalidOperationException($"circuit open since {opened:O}");
                }
            }
            try
            {
                var result = await action(ct).ConfigureAwait(false);
                lock (_gate) { _failures = 0; _openedAt = null; }
                return result;
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null || (int)ex.StatusCode >= 500)
            {
                lock (_gate)
                {
                    if (++_failures >= _threshold) _openedAt = DateTimeOffset.UtcNow;
                }
                throw;
            }
        }
    }
}
