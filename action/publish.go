package action

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/perfgate/perfgate/internal/short"
)

// MaxCommentLen is the longest comment body GitHub accepts, in characters.
const MaxCommentLen = 65536

// MaxDescriptionLen is the longest commit status description GitHub accepts.
const MaxDescriptionLen = 140

// maxCommentPages bounds the search for perfgate's comment (100 a page).
const maxCommentPages = 100

// Marker is the hidden line by which perfgate finds its own comment: one per
// status context, so two perfgate jobs on one pull request keep one comment
// each.
func Marker(context string) string {
	return fmt.Sprintf("<!-- perfgate:report context=%q -->", strings.ReplaceAll(context, "--", "- -"))
}

// A Publisher puts perfgate's report on a pull request: one comment, kept
// up to date, and a commit status.
type Publisher struct {
	API  API
	Repo Repo
	// Context is the commit status context; it also tells perfgate's
	// comment from another perfgate job's.
	Context string
}

// FindComment looks for perfgate's comment among all the comments of pull
// request number, page by page, and returns it, or nil when there is none.
// When several carry the marker (left by an older version), the first wins.
func (p *Publisher) FindComment(ctx context.Context, number int) (*Comment, error) {
	marker := Marker(p.Context)
	page := 1
	for i := 0; i < maxCommentPages && page != 0; i++ {
		cs, next, err := p.API.ListComments(ctx, p.Repo, number, Page{Number: page, PerPage: 100})
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if strings.Contains(c.Body, marker) {
				c := c
				return &c, nil
			}
		}
		page = next
	}
	return nil, nil
}

// CommentOverhead is how many bytes CommentBody puts before the markdown:
// the marker and its line break. Markdown of at most MaxCommentLen less
// this many bytes (a bound in bytes holds for characters too) is posted
// whole.
func (p *Publisher) CommentOverhead() int { return len(p.commentHead()) }

// commentHead is what CommentBody puts before the markdown.
func (p *Publisher) commentHead() string { return Marker(p.Context) + "\n" }

// CommentBody is markdown with the marker first. The caller keeps the
// markdown within what GitHub accepts (CommentOverhead; the action writes
// it with report.WriteMarkdownLimit); as a last resort, a body that is still
// too long is cut at the character count, wherever that falls, with a line
// that says where the full report is.
func (p *Publisher) CommentBody(markdown string) string {
	body := p.commentHead() + markdown
	if utf8.RuneCountInString(body) <= MaxCommentLen {
		return body
	}
	const tail = "\n\n… (cut: the full report is in the job summary)\n"
	runes := []rune(body)
	return string(runes[:MaxCommentLen-utf8.RuneCountInString(tail)]) + tail
}

// UpsertComment edits perfgate's comment on pull request number in place,
// or creates it when there is none, and returns its URL. A failed create
// is tried once more, after looking for the comment again, so that a
// gateway error after GitHub created the comment makes no second one.
func (p *Publisher) UpsertComment(ctx context.Context, number int, markdown string) (string, error) {
	body := p.CommentBody(markdown)
	old, err := p.FindComment(ctx, number)
	if err != nil {
		return "", err
	}
	var c Comment
	if old != nil {
		// Edited even when the body is the same, so that the comment's
		// "edited" time says when perfgate last checked.
		c, err = p.API.EditComment(ctx, p.Repo, old.ID, body)
	} else {
		c, err = p.API.CreateComment(ctx, p.Repo, number, body)
		if err != nil && !IsPermission(err) {
			// The comment may exist all the same (a gateway error after
			// GitHub created it): look again before creating it again.
			// Should the look fail too, both errors are told.
			again, ferr := p.FindComment(ctx, number)
			switch {
			case ferr != nil:
				err = errors.Join(err, fmt.Errorf("looking for the comment again: %w", ferr))
			case again != nil:
				c, err = p.API.EditComment(ctx, p.Repo, again.ID, body)
			default:
				c, err = p.API.CreateComment(ctx, p.Repo, number, body)
			}
		}
	}
	if err != nil {
		return "", err
	}
	return c.HTMLURL, nil
}

// SetStatus sets the commit status of sha with the publisher's context; the
// description is cut to 140 characters.
func (p *Publisher) SetStatus(ctx context.Context, sha, state, description, targetURL string) error {
	return p.API.CreateStatus(ctx, p.Repo, sha, Status{
		State:       state,
		Context:     p.Context,
		Description: short.Line(description, MaxDescriptionLen),
		TargetURL:   targetURL,
	})
}

// maxFilesPages is how many pages of a pull request's files GitHub lists:
// at most 3000 files, 100 a page.
const maxFilesPages = 30

// PullRequestFiles returns the paths pull request number changes (for a
// rename, the new and the old path), page by page, and whether the list is
// complete: GitHub lists at most 3000 files, so a pull request with 30
// pages of them may change more.
func PullRequestFiles(ctx context.Context, api API, repo Repo, number int) (files []string, complete bool, err error) {
	page := 1
	for i := 0; i < maxFilesPages; i++ {
		fs, next, err := api.ListPullRequestFiles(ctx, repo, number, Page{Number: page, PerPage: 100})
		if err != nil {
			return nil, false, err
		}
		files = append(files, fs...)
		if page = next; page == 0 {
			return files, i+1 < maxFilesPages, nil
		}
	}
	return files, false, nil
}

// FilesUnder returns the files under dir (a slash-separated prefix such as
// "baselines/").
func FilesUnder(files []string, dir string) []string {
	dir = strings.TrimSuffix(strings.TrimPrefix(dir, "./"), "/") + "/"
	var out []string
	for _, f := range files {
		if strings.HasPrefix(f, dir) {
			out = append(out, f)
		}
	}
	return out
}

// ChangedUnder returns the files of pull request number under dir (a
// slash-separated prefix such as "baselines/").
func ChangedUnder(ctx context.Context, api API, repo Repo, number int, dir string) ([]string, error) {
	files, _, err := PullRequestFiles(ctx, api, repo, number)
	if err != nil {
		return nil, err
	}
	return FilesUnder(files, dir), nil
}
