<div class="book">{{ $book->name }}</div>
