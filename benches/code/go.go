// Package pool hands out connections with a deadline on every wait.
package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

var ErrClosed = errors.New("pool: closed")

type Conn interface {
	Ping(ctx context.Context) error
	Close() error
}

type Pool struct {
	mu      sync.Mutex
	idle    []Conn
	open    int
	max     int
	dial    func(ctx context.Context) (Conn, error)
	waiters chan struct{}
	closed  bool
}

func New(max int, dial func(ctx context.Context) (Conn, error)) *Pool {
	return &Pool{max: max, dial: dial, waiters: make(chan struct{}, max)}
}

// Get returns an idle connection, a new one, or waits until ctx is done.
func (p *Pool) Get(ctx context.Context) (Conn, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, ErrClosed
		}
		if n := len(p.idle); n > 0 {
			c := p.idle[n-1]
			p.idle = p.idle[:n-1]
			p.mu.Unlock()
			if err := c.Ping(ctx); err == nil {
				return c, nil
			}
			_ = c.Close()
			continue
		}
		if p.open < p.max {
			p.open++
			p.mu.Unlock()
			c, err := p.dial(ctx)
			if err != nil {
				p.release()
				return nil, fmt.Errorf("pool: dial: %w", err)
			}
			return c, nil
		}
		p.mu.Unlock()
		select {
		case <-p.waiters:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (p *Pool) release() {
	p.mu.Lock()
	p.open--
	p.mu.Unlock()
}
