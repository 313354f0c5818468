package com.example.scheduling

import kotlinx.coroutines.*
import java.time.Duration
import java.time.Instant

/** Runs jobs at fixed rates, skipping a run when the previous one is still going. */
class Scheduler(private val scope: CoroutineScope, private val clock: () -> Instant = Instant::now) {
    data class Job(val name: String, val every: Duration, val action: suspend () -> Unit)

    private val running = mutableMapOf<String, kotlinx.coroutines.Job>()

    fun schedule(job: Job): kotlinx.coroutines.Job {
        require(!job.every.isNegative && !job.every.isZero) { "interval must be positive: ${job.every}" }
        return scope.launch(CoroutineName(job.name)) {
            var next = clock()
            while (isActive) {
                val started = clock()
                val previous = running[job.name]
                if (previous?.isActive == true) {
                    println("skipping ${job.name}: still running since $next")
                } else {
                    running[job.name] = launch {
                        runCatching { job.action() }
                            .onFailure { e -> System.err.println("${job.name} failed: ${e.message}") }
                    }
                }
                next = started.plus(job.every)
                delay(maxOf(0L, Duration.between(clock(), next).toMillis()))
            }
        }
    }

    suspend fun shutdown(grace: Duration = Duration.ofSeconds(10)) {
        withTimeoutOrNull(grace.toMillis()) { running.values.joinAll() }
        scope.cancel("scheduler shut down")
    }
}

fun main() = runBlocking {
    val scheduler = Scheduler(this)
    scheduler.schedule(Scheduler.Job("heartbeat", Duration.ofSeconds(5)) { println("alive at ${Instant.now()}") })
    delay(12_000)
    scheduler.shutdown()
}
